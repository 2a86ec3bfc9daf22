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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * A batch on the Redis backend, on a real Redis of the test's own: taken by one API instance,
 * read and followed on another, refused whole when the shared queue cannot hold it, and computed
 * by a worker that starts after it was queued, its forward passes counted on the worker only.
 */
@Tag(ServerTest.SLOW)
class BatchOnRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> SAMPLES = List.of("sneaker.png", "bag.png");

    private static RedisServer redis;
    private static String prefix;
    private static Node api1;
    private static Node api2;
    private static Node worker;

    @BeforeAll
    static void startApis() {
        redis = RedisServer.ownProcess(false);
        prefix = "batch-" + UUID.randomUUID();
        api1 = Node.start("api", redis.url(), prefix, Map.of("scorecam.queue.capacity", "2"));
        api2 = Node.start("api", redis.url(), prefix, Map.of("scorecam.queue.capacity", "2"));
    }

    @AfterAll
    static void stop() {
        for (Node node : new Node[] {api1, api2, worker}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aBatchIsRefusedWholeThenTakenFollowedOnAnotherApiAndComputedByAWorker() throws Exception {
        // three images for a shared queue of two, no worker yet: nothing of the batch stays queued
        HttpResponse<String> full = post(api1, List.of("sneaker.png", "bag.png", "dress.png"), List.of());
        assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
        assertThat(json.readTree(full.body()).path("type").asString()).isEqualTo("/problems/queue-full");

        HttpResponse<String> taken = post(api1, SAMPLES, List.of("Sneaker", "top-k=2"));
        assertThat(taken.statusCode()).as("the refused batch's jobs were withdrawn: " + taken.body()).isEqualTo(202);
        String id = json.readTree(taken.body()).path("id").asString();

        JsonNode seen = get(api2, "/v1/batches/" + id);
        assertThat(seen.path("status").asString()).isEqualTo("QUEUED");
        assertThat(seen.path("counts").path("queued").asInt()).isEqualTo(2);
        HttpResponse<String> early = http.send(request(api2, "/v1/batches/" + id + "/result").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(json.readTree(early.body()).path("type").asString()).isEqualTo("/problems/job-not-finished");

        // the stream is open (its first status sent, its jobs followed just after) long before a worker has started
        HttpResponse<Stream<String>> events = http.sendAsync(
                request(api2, "/v1/batches/" + id + "/events").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        worker = Node.start("worker", redis.url(), prefix, Map.of());
        worker.passes.millis = 5; // slow enough for progress events between batches

        List<String> stream = events.body().toList();
        List<String> names = stream.stream().filter(line -> line.startsWith("event:")).toList();
        assertThat(names.get(0)).isEqualTo("event:status");
        assertThat(names).contains("event:progress");
        assertThat(names.get(names.size() - 1)).isEqualTo("event:status");
        List<String> data = stream.stream().filter(line -> line.startsWith("data:")).toList();
        JsonNode end = json.readTree(data.get(data.size() - 1).substring("data:".length()));
        assertThat(end.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(end.path("counts").path("succeeded").asInt()).isEqualTo(2);
        assertThat(end.path("progress").asDouble()).isEqualTo(1.0);

        HttpResponse<String> result = http.send(request(api1, "/v1/batches/" + id + "/result").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        JsonNode results = json.readTree(result.body());
        assertThat(results.size()).isEqualTo(2);
        assertThat(results.get(0).path("explanations").get(0).path("target").path("label").asString()).isEqualTo("Sneaker");
        assertThat(results.get(1).path("explanations").size()).isEqualTo(2);
        assertThat(worker.passes.images.get()).isPositive();
        assertThat(api1.passes.images.get() + api2.passes.images.get()).isZero();
    }

    private static HttpResponse<String> post(Node api, List<String> images, List<String> targets) throws Exception {
        Multipart body = new Multipart();
        for (String name : images) {
            body.file("image", name, Files.readAllBytes(Path.of("samples", name)), "image/png");
        }
        targets.forEach(target -> body.field("targets", target));
        body.field("batch-size", "8");
        return http.send(HttpRequest.newBuilder(URI.create(api.url("/v1/models/fashion-cnn/batches")))
                .header("Content-Type", Multipart.contentType()).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(Node node, String path) {
        return HttpRequest.newBuilder(URI.create(node.url(path))).header("Accept", "application/json").timeout(WAIT);
    }

    private static JsonNode get(Node node, String path) throws Exception {
        HttpResponse<String> response = http.send(request(node, path).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
