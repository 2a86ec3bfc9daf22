package dev.scorecam.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Requests byte for byte as the test writes them (java.net.http): multipart with any part
 * content type, broken multipart, raw bodies. Every call has a timeout, so a hang fails the test.
 */
final class RawHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String base;
    /** Sent with every request, e.g. credentials. */
    private final Map<String, String> always;

    RawHttp(int port) {
        this(port, Map.of());
    }

    RawHttp(int port, Map<String, String> always) {
        this.base = "http://localhost:" + port;
        this.always = Map.copyOf(always);
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        always.forEach(request::header);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
        always.forEach(request::header);
        return send(request.build());
    }
}
