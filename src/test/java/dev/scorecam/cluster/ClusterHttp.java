package dev.scorecam.cluster;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.scorecam.Multipart;

/**
 * What the reliability tests ask of a node over HTTP: submit, poll, follow, probe. Every call is
 * bounded by {@code timeout}; a call that runs past it fails the test as a hang.
 */
final class ClusterHttp {

    static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Duration timeout;
    private final byte[] image;

    ClusterHttp(Duration timeout) {
        this.timeout = timeout;
        try {
            this.image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code POST /v1/jobs} for the demo model, with more form fields. */
    HttpResponse<String> submit(Node api, Map<String, String> fields) throws Exception {
        Multipart body = Multipart.image(image, "image/png");
        body.field("model", "fashion-cnn");
        fields.forEach(body::field);
        return http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/jobs")))
                .header("Content-Type", Multipart.contentType()).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The synchronous explanation, as JSON. */
    HttpResponse<String> explain(Node api, Map<String, String> fields) throws Exception {
        Multipart body = Multipart.image(image, "image/png");
        fields.forEach(body::field);
        return http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/models/fashion-cnn/explanations")))
                .header("Content-Type", Multipart.contentType()).header("Accept", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url(path))).header("Accept", "application/json")
                .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    int status(Node node, String path) throws Exception {
        return get(node, path).statusCode();
    }

    /** Polls the job until it ends (a 503 while the queue is away is waited out), up to {@code within}. */
    JsonNode awaitFinal(Node api, String id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(api, "/v1/jobs/" + id);
            if (response.statusCode() == 200) {
                job = JSON.readTree(response.body());
                if (FINAL.contains(job.path("status").asString())) {
                    return job;
                }
            }
            Thread.sleep(50);
        }
        return job;
    }

    /**
     * The job's event stream, one "name data" line per event, until the server ends it (bounded by
     * the timeout: then the last line is "hang"); a refused stream is one line "http STATUS BODY".
     */
    List<String> events(Node api, String id) throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/jobs/" + id + "/events")))
                .timeout(timeout).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String> events = new ArrayList<>();
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                events.add("http " + response.statusCode() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return events;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                response.body().close(); // a stream that never ends is a hang: cut it
            } catch (InterruptedException | java.io.IOException e) {
                // done in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            readEvents(response.body(), events);
        } catch (java.io.IOException e) {
            if (System.nanoTime() >= deadline) {
                events.add("hang");
            } else {
                events.add("broken " + e.getMessage());
            }
        } finally {
            watchdog.interrupt();
        }
        return events;
    }

    /** Adds one "name data" line per server-sent event of the stream to {@code events}, until it ends. */
    static void readEvents(InputStream stream, List<String> events) throws java.io.IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String name = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:") && name != null) {
                    events.add(name + " " + line.substring("data:".length()).strip());
                }
            }
        }
    }
}
