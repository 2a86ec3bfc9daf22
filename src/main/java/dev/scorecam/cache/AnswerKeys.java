package dev.scorecam.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A request's canonical byte form, hashed: each part written as its name and its value, both
 * length-prefixed, so that no two different requests write the same bytes. The hex SHA-256 is the
 * cache key and, quoted, the strong ETag.
 */
public final class AnswerKeys {

    private final MessageDigest digest = sha256();

    /** @param kind what is answered (an explanation, a job's result): keys of different kinds never meet */
    AnswerKeys(String kind) {
        add("kind", kind);
    }

    /** A part of the request; null is written as absent, apart from every text. */
    public AnswerKeys add(String name, Object value) {
        part(name.getBytes(StandardCharsets.UTF_8));
        if (value == null) {
            digest.update((byte) 0);
        } else {
            digest.update((byte) 1);
            part(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    public AnswerKeys bytes(String name, byte[] value) {
        part(name.getBytes(StandardCharsets.UTF_8));
        part(value);
        return this;
    }

    /** The hex SHA-256 of the parts so far; the builder is spent after it. */
    public String key() {
        return HexFormat.of().formatHex(digest.digest());
    }

    private void part(byte[] bytes) {
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
        digest.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
