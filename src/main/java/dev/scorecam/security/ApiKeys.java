package dev.scorecam.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys a server accepts, held as SHA-256 hashes with the name of the client each belongs
 * to. A presented key is hashed and compared with every hash in constant time, so that neither
 * the keys nor their order can be learned from timing; keys themselves are never stored or logged.
 */
final class ApiKeys {

    private final List<Entry> entries;

    private record Entry(String client, byte[] hash) {}

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** From the file ({@code name:sha256hex} lines) and the map, in that order. */
    static ApiKeys load(Path file, Map<String, String> hashes) {
        List<Entry> entries = new ArrayList<>();
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read scorecam.security.api-keys-file " + file, e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected name:sha256hex");
                }
                entries.add(entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip(), file + " line " + (i + 1)));
            }
        }
        hashes.forEach((client, hash) -> entries.add(entry(client, hash, "scorecam.security.api-keys." + client)));
        return new ApiKeys(entries);
    }

    private static Entry entry(String client, String hex, String where) {
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            // Says where, never what: the value might be a key pasted by mistake.
            throw new IllegalArgumentException(where + ": not a SHA-256 hash in hex (64 hex digits)");
        }
        return new Entry(client, HexFormat.of().parseHex(hex));
    }

    /** The client whose key this is. */
    Optional<String> client(String presented) {
        byte[] hash = sha256(presented);
        String found = null;
        for (Entry entry : entries) { // every entry, match or not: the time does not depend on which
            if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
                found = entry.client();
            }
        }
        return Optional.ofNullable(found);
    }

    int size() {
        return entries.size();
    }

    List<String> clients() {
        return entries.stream().map(Entry::client).distinct().toList();
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
