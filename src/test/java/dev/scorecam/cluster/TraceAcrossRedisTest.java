package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * One trace across the Redis queue: an asynchronous job taken by an API instance and computed by
 * a worker instance (two application contexts on one real Redis), each keeping its finished spans
 * in memory instead of sending them. The worker's job span joins the trace of the API's request
 * span, as its child, and a client's own {@code traceparent} names the trace of both.
 */
@Tag(ServerTest.SLOW)
class TraceAcrossRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RedisServer redis;
    private static Node api;
    private static Node worker;
    private static final InMemorySpanExporter apiSpans = InMemorySpanExporter.create();
    private static final InMemorySpanExporter workerSpans = InMemorySpanExporter.create();

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.ownProcess(false);
        String prefix = "trace-" + UUID.randomUUID();
        Map<String, String> export = Map.of("management.opentelemetry.tracing.export.schedule-delay", "50ms");
        api = Node.start("api", redis.url(), prefix, export,
                context -> context.registerBean("testSpans", SpanExporter.class, () -> apiSpans));
        worker = Node.start("worker", redis.url(), prefix, export,
                context -> context.registerBean("testSpans", SpanExporter.class, () -> workerSpans));
    }

    @AfterAll
    static void stopCluster() {
        for (Node node : new Node[] {api, worker}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void theWorkersJobSpanIsAChildOfTheApisRequestSpanInOneTrace() throws Exception {
        String job = submitAndFinish(null);

        SpanData request = await(apiSpans, span -> span.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER
                && span.getName().contains("/v1/jobs") && !span.getName().contains("{id}"));
        SpanData computed = await(workerSpans, span -> span.getName().equals("scorecam.job"));

        assertThat(computed.getTraceId()).isEqualTo(request.getTraceId());
        assertThat(parentChain(computed)).contains(request.getSpanId());
        assertThat(computed.getAttributes().asMap().values()).contains("fashion-cnn", "scorecam");
        assertThat(computed.getEvents()).isNotEmpty()
                .allSatisfy(event -> assertThat(event.getName()).startsWith("scored "));
        assertThat(job).isNotBlank();
    }

    @Test
    void aClientsTraceparentNamesTheTraceOfTheRequestAndOfTheJob() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";
        submitAndFinish("00-" + traceId + "-" + parentId + "-01");

        SpanData request = await(apiSpans, span -> span.getTraceId().equals(traceId)
                && span.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER);
        SpanData computed = await(workerSpans, span -> span.getTraceId().equals(traceId)
                && span.getName().equals("scorecam.job"));

        assertThat(request.getParentSpanId()).isEqualTo(parentId);
        assertThat(parentChain(computed)).contains(request.getSpanId());
    }

    /** Submits a sneaker to the API instance and waits for the worker to have finished it. */
    private static String submitAndFinish(String traceparent) throws Exception {
        Multipart body = Multipart.image(Files.readAllBytes(Path.of("samples", "sneaker.png")), "image/png")
                .field("model", "fashion-cnn");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url("/v1/jobs")))
                .header("Content-Type", Multipart.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build()));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> submitted = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = json.readTree(submitted.body()).get("id").asString();
        long deadline = System.nanoTime() + WAIT.toNanos();
        String status = "";
        while (!status.equals("SUCCEEDED") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = json.readTree(http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/jobs/" + id))).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("status").asString();
        }
        assertThat(status).isEqualTo("SUCCEEDED");
        return id;
    }

    /**
     * The ids of the span's parents, nearest first, as far as the API instance's spans go: the job
     * is queued within the request span's children (the security filters' spans, for one).
     */
    private static List<String> parentChain(SpanData span) {
        Map<String, SpanData> byId = new java.util.HashMap<>();
        apiSpans.getFinishedSpanItems().forEach(s -> byId.put(s.getSpanId(), s));
        List<String> chain = new java.util.ArrayList<>();
        for (String parent = span.getParentSpanId(); byId.containsKey(parent) && !chain.contains(parent);
                parent = byId.get(parent).getParentSpanId()) {
            chain.add(parent);
        }
        return chain;
    }

    /** The first finished span that matches, once its node has exported it. */
    private static SpanData await(InMemorySpanExporter spans, java.util.function.Predicate<SpanData> matching)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> found = spans.getFinishedSpanItems().stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such span; finished: " + List.copyOf(spans.getFinishedSpanItems().stream()
                .map(span -> span.getKind() + " " + span.getName() + " " + span.getTraceId()).toList()));
    }
}
