package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the CPU computes natively, from the kernel's view of it (Linux); elsewhere nothing is assumed. */
final class CpuFeatures {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private CpuFeatures() {}

    /** AVX512-BF16 or AMX-BF16: bf16 matrix products in hardware, without which bf16 is emulated (slower than fp32). */
    static boolean nativeBf16() {
        return nativeBf16(flags(CPUINFO));
    }

    static boolean nativeBf16(Set<String> flags) {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    static Set<String> flags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Pattern.compile("\\s+").splitAsStream(l.substring(l.indexOf(':') + 1).strip())
                            .collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
