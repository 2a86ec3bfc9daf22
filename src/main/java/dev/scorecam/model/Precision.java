package dev.scorecam.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The floating-point format a model's network computes in. Masks, scores and maps stay float32;
 * only the forward passes run in this precision.
 *
 * <p>DJL 0.36 cannot hold a bfloat16 array (a cast to it aborts the JVM in the native layer), so a
 * reduced-precision package keeps the contract's float32 interface: its {@code model-bf16.pt}
 * holds bf16 weights and casts its input to bf16 as its first operation, and its outputs back to
 * float32 (tools/reduce_precision.py writes it).
 */
public enum Precision {
    FP32("model.pt"),
    BF16("model-bf16.pt"),
    FP16("model-fp16.pt");

    private final String weightsFile;

    Precision(String weightsFile) {
        this.weightsFile = weightsFile;
    }

    /** As written in model.yaml and the settings: {@code fp32}, {@code bf16}, {@code fp16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The TorchScript file of the package that holds the network in this precision. */
    public String weightsFile() {
        return weightsFile;
    }

    public static Precision parse(String value) {
        return Arrays.stream(values())
                .filter(p -> p.id().equals(value.strip().toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("precision must be fp32, bf16 or fp16, not '" + value + "'"));
    }
}
