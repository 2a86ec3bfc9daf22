package dev.scorecam.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A response as it was sent: its media type, the class it shows (PNG and {@code .npy} answers name
 * it in a header; null for JSON) and its body.
 */
public record Answer(String contentType, String target, byte[] body) {

    /** What it costs to keep: the body, its two strings and a little more. */
    long bytes() {
        return body.length + 2L * (contentType.length() + (target == null ? 0 : target.length())) + 64;
    }

    /** As one value for Redis: each string length-prefixed (-1 for none), then the body. */
    byte[] encode() {
        byte[] type = contentType.getBytes(StandardCharsets.UTF_8);
        byte[] shows = target == null ? null : target.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(2 * Integer.BYTES + type.length + (shows == null ? 0 : shows.length)
                + body.length);
        out.putInt(type.length).put(type);
        out.putInt(shows == null ? -1 : shows.length);
        if (shows != null) {
            out.put(shows);
        }
        return out.put(body).array();
    }

    static Answer decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        String type = text(in, in.getInt());
        int showsLength = in.getInt();
        String shows = showsLength < 0 ? null : text(in, showsLength);
        byte[] body = new byte[in.remaining()];
        in.get(body);
        return new Answer(type, shows, body);
    }

    private static String text(ByteBuffer in, int length) {
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
