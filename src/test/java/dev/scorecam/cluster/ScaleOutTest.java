package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * The service scaled out in one JVM: two API instances and two workers (separate application
 * contexts on random ports) on one real Redis of the test's own. Jobs cross instances, a
 * progressive job's partial maps reach a client of the other API instance, a worker killed mid-job
 * leaves its job to the other, a small cluster-wide queue under 32 clients answers only 200 or
 * 503, and a Redis restart under load loses no accepted job. Ordered: the kill leaves one worker,
 * the restart comes last.
 */
@Tag(ServerTest.SLOW)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RedisServer redis;
    private static Node api1;
    private static Node api2;
    private static final List<Node> workers = new ArrayList<>();
    private static byte[] sneaker;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.ownProcess(true); // persistent: the restart test keeps its jobs
        sneaker = Files.readAllBytes(Path.of("samples/sneaker.png"));
        String prefix = "scaleout-" + UUID.randomUUID();
        Map<String, String> small = Map.of("scorecam.queue.capacity", "4");
        api1 = Node.start("api", redis.url(), prefix, small);
        api2 = Node.start("api", redis.url(), prefix, small);
        workers.add(Node.start("worker", redis.url(), prefix, small));
        workers.add(Node.start("worker", redis.url(), prefix, small));
    }

    @AfterAll
    static void stopCluster() {
        for (Node node : List.of(api1, api2)) {
            if (node != null) {
                node.close();
            }
        }
        workers.forEach(Node::close);
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    @Order(1)
    void aJobSubmittedOnOneApiIsFollowedPolledAndFetchedOnTheOther() throws Exception {
        // a job long enough to report progress, and to outlast a loaded machine's subscription
        workers.forEach(worker -> worker.passes.millis = 150);
        String id = submit(api1, 8).path("id").asString();

        List<String> events = events(api2, id);
        JsonNode job = get(api2, "/v1/jobs/" + id);
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(api2.url("/v1/jobs/" + id + "/result")))
                .header("Accept", "image/png").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(events.get(0)).startsWith("status");
        assertThat(events).anyMatch(event -> event.startsWith("progress"));
        assertThat(events.get(events.size() - 1)).startsWith("status").contains("\"SUCCEEDED\"");
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.body()).startsWith(0x89, 'P', 'N', 'G');
        // the synchronous path goes through the queue too
        assertThat(explain(api2).statusCode()).isEqualTo(200);
        // no model runs on an API instance; a worker serves only /actuator
        assertThat(api1.passes.images.get() + api2.passes.images.get()).isZero();
        assertThat(status(workers.get(0), "/v1/models")).isEqualTo(404);
        assertThat(status(workers.get(0), "/actuator/health/readiness")).isEqualTo(200);
        assertThat(status(api1, "/actuator/health/readiness")).isEqualTo(200);
    }

    /**
     * A progressive job submitted on one API instance, computed on a worker, streams its partial
     * maps to a client of the other: each after a progress report, none after the end.
     */
    @Test
    @Order(2)
    void aProgressiveJobStreamsPartialMapsOnTheOtherApi() throws Exception {
        workers.forEach(worker -> worker.passes.millis = 50); // batches slow enough to be heard
        HttpResponse<String> submitted = post(api1, "/v1/jobs", sneaker,
                Map.of("model", "fashion-cnn", "batch-size", "8", "progressive", "true"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json.readTree(submitted.body()).path("id").asString();

        List<String> events = events(api2, id);

        List<String> partials = events.stream().filter(event -> event.startsWith("partial ")).toList();
        assertThat(partials).as("partial events heard on the other API (those after the stream opened)")
                .hasSizeGreaterThan(1);
        for (String partial : partials) {
            JsonNode map = json.readTree(partial.substring("partial ".length()));
            assertThat(map.path("target").path("label").asString()).isEqualTo("Sneaker");
        }
        // each batch's partial follows its progress (the first may follow the stream's opening status instead)
        for (String partial : partials.subList(1, partials.size())) {
            assertThat(events.get(events.indexOf(partial) - 1)).startsWith("progress");
        }
        assertThat(events.get(events.size() - 1)).startsWith("status").contains("\"SUCCEEDED\"");
    }

    /**
     * Every job of 32 clients at once is either refused at once (503 queue-full) or accepted and
     * computed exactly once: the images the workers ran through the network are the sum of what
     * each accepted job says it ran.
     */
    @Test
    @Order(3)
    void thirtyTwoClientsAgainstASmallQueueGetOnly202Or503AndEveryAcceptedJobEndsOnce() throws Exception {
        workers.forEach(worker -> worker.passes.millis = 5);
        long before = workers.stream().mapToLong(worker -> worker.passes.images.get()).sum();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                Node api = i % 2 == 0 ? api1 : api2;
                answers.add(clients.submit(() -> post(api, "/v1/jobs", sneaker, Map.of("model", "fashion-cnn"))));
            }
            List<String> accepted = new ArrayList<>();
            int refused = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isIn(202, 503);
                if (response.statusCode() == 202) {
                    accepted.add(json.readTree(response.body()).path("id").asString());
                } else {
                    assertThat(response.body()).contains("/problems/queue-full");
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    refused++;
                }
            }
            assertThat(refused).as("a queue of 4 and two workers cannot take 32 at once").isPositive();
            assertThat(new HashSet<>(accepted)).hasSameSizeAs(accepted);
            long images = 0;
            for (String id : accepted) {
                assertThat(awaitFinal(api2, id).path("status").asString()).isEqualTo("SUCCEEDED");
                images += get(api1, "/v1/jobs/" + id + "/result").path("stats").path("forwardPasses").asLong();
            }
            long computed = workers.stream().mapToLong(worker -> worker.passes.images.get()).sum() - before;
            assertThat(computed).isEqualTo(images);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    @Order(4)
    void aWorkerKilledMidJobLeavesTheJobToTheOtherAfterClaimAfter() throws Exception {
        workers.forEach(worker -> worker.passes.millis = 200); // 66 images in batches of 4: ~3.4 s
        long[] before = workers.stream().mapToLong(worker -> worker.passes.images.get()).toArray();
        String id = submit(api1, 4).path("id").asString();
        Node running = awaitWorkerComputing(before);
        Node other = workers.get(1 - workers.indexOf(running));
        long otherBefore = other.passes.images.get();

        running.kill();
        workers.remove(running);
        other.passes.millis = 5;
        JsonNode job = awaitFinal(api2, id);

        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        long recomputed = other.passes.images.get() - otherBefore;
        assertThat(recomputed).isEqualTo(get(api1, "/v1/jobs/" + id + "/result").path("stats").path("forwardPasses").asLong());
    }

    /**
     * Redis stopped under load: new work is refused with 503 backend-unavailable and readiness
     * goes DOWN; once Redis is back (from its append-only file) every job accepted before or after
     * ends, none is lost.
     */
    @Test
    @Order(5)
    void redisRestartedUnderLoadRefusesClearlyWhileDownAndLosesNoAcceptedJob() throws Exception {
        workers.forEach(worker -> worker.passes.millis = 20);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(submit(api1, 16).path("id").asString());
        }

        redis.stop();
        HttpResponse<String> refused = post(api2, "/v1/jobs", sneaker, Map.of("model", "fashion-cnn"));
        int readiness = status(api1, "/actuator/health/readiness");
        int poll = status(api2, "/v1/jobs/" + accepted.get(0));
        redis.start();

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("/problems/backend-unavailable");
        assertThat(readiness).isEqualTo(503);
        assertThat(poll).isEqualTo(503);
        awaitReady(api1);
        accepted.add(submit(api2, 16).path("id").asString());
        for (String id : accepted) {
            assertThat(awaitFinal(api1, id).path("status").asString()).as(id).isEqualTo("SUCCEEDED");
        }
    }

    // helpers

    private static Node awaitWorkerComputing(long[] before) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < workers.size(); i++) {
                if (workers.get(i).passes.images.get() > before[i]) {
                    return workers.get(i);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no worker started the job within " + WAIT);
    }

    private static JsonNode submit(Node api, int batchSize) throws Exception {
        HttpResponse<String> response = post(api, "/v1/jobs", sneaker,
                Map.of("model", "fashion-cnn", "batch-size", Integer.toString(batchSize)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body());
    }

    private static HttpResponse<byte[]> explain(Node api) throws Exception {
        Multipart body = Multipart.image(sneaker, "image/png");
        return http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/models/fashion-cnn/explanations")))
                .header("Content-Type", Multipart.contentType()).header("Accept", "image/png")
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> post(Node api, String path, byte[] image, Map<String, String> fields)
            throws Exception {
        Multipart body = Multipart.image(image, "image/png");
        fields.forEach(body::field);
        return http.send(HttpRequest.newBuilder(URI.create(api.url(path)))
                .header("Content-Type", Multipart.contentType()).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(Node node, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.url(path)))
                .header("Accept", "application/json").timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static int status(Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url(path))).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonNode awaitFinal(Node api, String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode job = get(api, "/v1/jobs/" + id);
        while (!Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.path("status").asString())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            job = get(api, "/v1/jobs/" + id);
        }
        return job;
    }

    private static void awaitReady(Node node) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (status(node, "/actuator/health/readiness") != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(status(node, "/actuator/health/readiness")).isEqualTo(200);
    }

    /** The job's event stream, one "name data" line per event, until the server ends it. */
    private static List<String> events(Node api, String id) throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(api.url("/v1/jobs/" + id + "/events"))).timeout(WAIT)
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        Callable<Void> read = () -> {
            ClusterHttp.readEvents(response.body(), events);
            return null;
        };
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            reader.submit(read).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            reader.shutdownNow();
        }
        return events;
    }
}
