package dev.scorecam.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.scorecam.model.ServedModel;

/**
 * What a served model is, as a hash of the files it was made from (its {@code model.yaml} and
 * network files) and the precision it computes in: part of every cache key, so that a changed
 * model never answers with a map of the old one. Each file is read once while its size and time
 * stay the same.
 */
final class ModelDigests {

    private final Map<String, String> files = new ConcurrentHashMap<>();

    String of(ServedModel model) {
        Set<Path> made = new LinkedHashSet<>();
        made.add(model.modelPackage().directory().resolve("model.yaml"));
        made.add(model.modelPackage().weights());
        made.add(model.modelPackage().weights(model.precision()));
        MessageDigest digest = AnswerKeys.sha256();
        digest.update(model.precision().id().getBytes(StandardCharsets.UTF_8));
        for (Path file : made) {
            if (Files.isRegularFile(file)) {
                digest.update(file(file).getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String file(Path file) {
        try {
            String stamp = file.toAbsolutePath() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
            return files.computeIfAbsent(stamp, k -> hash(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(Path file) {
        MessageDigest digest = AnswerKeys.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
