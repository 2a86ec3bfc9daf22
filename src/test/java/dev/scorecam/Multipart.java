package dev.scorecam;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one multipart/form-data builder of the tests, written byte by byte so that the hostile
 * tests can cut or break a body as well as the others send a well-formed one.
 */
public final class Multipart {

    static final String BOUNDARY = "scorecam-test-boundary";

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public static Multipart image(byte[] image, String contentType) {
        return new Multipart().file("image", "upload", image, contentType);
    }

    public static Multipart fields(Map<String, List<String>> fields) {
        return new Multipart().with(fields);
    }

    public Multipart file(String name, String filename, byte[] content, String contentType) {
        text("--" + BOUNDARY + "\r\n");
        text("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n");
        if (contentType != null) {
            text("Content-Type: " + contentType + "\r\n");
        }
        text("\r\n");
        body.writeBytes(content);
        text("\r\n");
        return this;
    }

    public Multipart field(String name, String value) {
        text("--" + BOUNDARY + "\r\n");
        text("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        text(value + "\r\n");
        return this;
    }

    public Multipart with(Map<String, List<String>> fields) {
        new LinkedHashMap<>(fields).forEach((name, values) -> values.forEach(v -> field(name, v)));
        return this;
    }

    public byte[] build() {
        text("--" + BOUNDARY + "--\r\n");
        return body.toByteArray();
    }

    /** The body so far, without its closing delimiter: a truncated upload. */
    public byte[] unterminated() {
        return body.toByteArray();
    }

    public static String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    private void text(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
