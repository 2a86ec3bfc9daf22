package dev.scorecam.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests byte for byte as the test writes them (java.net.http): multipart with any part
 * content type, broken multipart, raw bodies. Every call has a timeout, so a hang fails the test.
 */
final class RawHttp {

    static final String BOUNDARY = "scorecam-test-boundary";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String base;

    RawHttp(int port) {
        this.base = "http://localhost:" + port;
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build());
    }

    /** A multipart/form-data body: an optional image part with its content type, then text fields. */
    static final class Multipart {

        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        static Multipart image(byte[] image, String contentType) {
            return new Multipart().file("image", "upload", image, contentType);
        }

        static Multipart fields(Map<String, List<String>> fields) {
            return new Multipart().with(fields);
        }

        Multipart file(String name, String filename, byte[] content, String contentType) {
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

        Multipart field(String name, String value) {
            text("--" + BOUNDARY + "\r\n");
            text("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
            text(value + "\r\n");
            return this;
        }

        Multipart with(Map<String, List<String>> fields) {
            new LinkedHashMap<>(fields).forEach((name, values) -> values.forEach(v -> field(name, v)));
            return this;
        }

        byte[] build() {
            text("--" + BOUNDARY + "--\r\n");
            return body.toByteArray();
        }

        /** The body so far, without its closing delimiter: a truncated upload. */
        byte[] unterminated() {
            return body.toByteArray();
        }

        static String contentType() {
            return "multipart/form-data; boundary=" + BOUNDARY;
        }

        private void text(String s) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
