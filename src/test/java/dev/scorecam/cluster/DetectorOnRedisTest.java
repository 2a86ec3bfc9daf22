package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * The demo detector on the Redis backend, on a real Redis of the test's own: a job submitted to an
 * API instance and computed by a worker is followed over SSE and answers, as JSON, PNG and .npy,
 * exactly what one instance on the memory backend answers to the same request, box and matched
 * detection included; the detector pass that finds a {@code detection=} runs on the API instance and is in
 * the answer's forward passes. Bad input is the same problem on both backends, refused before
 * anything is queued.
 */
@Tag(ServerTest.SLOW)
class DetectorOnRedisTest {

    private static final String DETECTOR = "fashion-detector";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ClusterHttp cluster = new ClusterHttp(WAIT);

    private static RedisServer redis;
    private static Node api;
    private static Node worker;
    private static Node memory;
    private static byte[] canvas;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.ownProcess(false);
        canvas = Files.readAllBytes(Path.of("src/test/resources/detector/two-garments.png"));
        String prefix = "detector-" + UUID.randomUUID();
        api = Node.start("api", redis.url(), prefix, Map.of());
        worker = Node.start("worker", redis.url(), prefix, Map.of());
        memory = Node.start("all", redis.url(), prefix, Map.of("scorecam.queue.backend", "memory"));
    }

    @AfterAll
    static void stop() {
        for (Node node : new Node[] {api, worker, memory}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aDetectionAndABoxComputedThroughRedisAnswerAsInMemory() throws Exception {
        Map<String, Map<String, String>> requests = new LinkedHashMap<>();
        requests.put("detection", Map.of("detection", "0"));
        // the sneaker's box in the fixture (two-garments.json), as a client's own
        requests.put("box", Map.of("box", "70,82,126,106", "target", "Sneaker"));
        for (var request : requests.entrySet()) {
            Map<String, String> fields = new LinkedHashMap<>(request.getValue());
            fields.putAll(Map.of("model", DETECTOR, "metrics", "true", "metrics-steps", "4", "batch-size", "8"));
            worker.passes.millis = 100; // slow enough batches for progress events on a loaded machine
            long apiBefore = api.passes.images.get();
            long workerBefore = worker.passes.images.get();
            long memoryBefore = memory.passes.images.get();

            String onRedis = submit(api, fields);
            List<String> events = cluster.events(api, onRedis);
            JsonNode redisJson = result(api, onRedis);
            String inMemory = submit(memory, fields);
            assertThat(cluster.awaitFinal(memory, inMemory, WAIT).path("status").asString()).isEqualTo("SUCCEEDED");
            JsonNode memoryJson = result(memory, inMemory);

            String as = request.getKey();
            assertThat(events.get(0)).as(as).startsWith("status");
            assertThat(events).as(as).anyMatch(event -> event.startsWith("progress"));
            assertThat(events.get(events.size() - 1)).as(as).startsWith("status").contains("\"SUCCEEDED\"");

            // the box and the matched detection, as the memory backend answers them
            JsonNode explanation = redisJson.path("explanations").get(0);
            JsonNode expected = memoryJson.path("explanations").get(0);
            assertThat(explanation.path("target")).as(as).isEqualTo(expected.path("target"));
            assertThat(explanation.path("box")).as(as).isEqualTo(expected.path("box")).isNotEmpty();
            assertThat(explanation.path("detection")).as(as).isEqualTo(expected.path("detection")).isNotEmpty();
            int target = explanation.path("target").path("index").asInt();
            assertThat(explanation.path("detection").path("classIndex").asInt()).as(as).isEqualTo(target);
            if (as.equals("detection")) {
                assertThat(explanation.path("detection").path("index").asInt()).isZero();
                assertThat(explanation.path("detection").path("box")).isEqualTo(explanation.path("box"));
            } else {
                assertThat(target).isEqualTo(7);
                JsonNode box = explanation.path("box");
                assertThat(List.of(box.path("x0").asDouble(), box.path("y0").asDouble(), box.path("x1").asDouble(),
                        box.path("y1").asDouble())).containsExactly(70.0, 82.0, 126.0, 106.0);
            }
            assertThat(redisJson.path("detections")).as(as).isEqualTo(memoryJson.path("detections"));
            assertThat(redisJson.path("boxRule")).as(as).isEqualTo(memoryJson.path("boxRule"));
            assertThat(explanation.path("faithfulness").path("steps").asInt()).as(as).isEqualTo(4);
            for (String field : List.of("averageDrop", "deletion", "insertion")) {
                assertThat(explanation.path("faithfulness").path(field).asDouble()).as(as + " " + field)
                        .isEqualTo(expected.path("faithfulness").path(field).asDouble());
            }
            float[] map = floats(Base64.getDecoder().decode(explanation.path("saliency").path("data").asString()));
            float[] memoryMap = floats(Base64.getDecoder().decode(expected.path("saliency").path("data").asString()));
            // exactly: the input travels through Redis bit for bit, into the same engine in this JVM
            assertThat(map).as(as).hasSize(128 * 128).containsExactly(memoryMap);
            assertThat(max(map)).as(as + ": a map with something in it").isPositive();

            // every pass counted where it ran: the detector's (a detection's) on the API, the rest on the worker
            JsonNode stats = redisJson.path("stats");
            for (String field : List.of("channels", "liveChannels", "forwardPasses", "backwardPasses", "headPasses",
                    "batchSize", "precision", "faithfulnessForwardPasses")) {
                assertThat(stats.path(field)).as(as + " " + field).isEqualTo(memoryJson.path("stats").path(field));
            }
            long detectorPasses = as.equals("detection") ? 1 : 0;
            long passes = stats.path("forwardPasses").asLong() + stats.path("faithfulnessForwardPasses").asLong();
            assertThat(stats.path("forwardPasses").asInt()).as(as)
                    .isEqualTo(stats.path("liveChannels").asInt() + 2 + detectorPasses);
            assertThat(api.passes.images.get() - apiBefore).as(as).isEqualTo(detectorPasses);
            assertThat(worker.passes.images.get() - workerBefore).as(as).isEqualTo(passes - detectorPasses);
            assertThat(memory.passes.images.get() - memoryBefore).as(as).isEqualTo(passes);

            // PNG and .npy renderings of the Redis job: those of the memory job, the .npy the JSON's map
            HttpResponse<byte[]> png = fetch(api, onRedis, "image/png");
            assertThat(png.statusCode()).as(as).isEqualTo(200);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
            assertThat(image.getWidth()).as(as).isEqualTo(128);
            assertThat(image.getHeight()).as(as).isEqualTo(128);
            assertThat(png.headers().firstValue("Scorecam-Target")).as(as).hasValue(Integer.toString(target));
            assertThat(png.body()).as(as).isEqualTo(fetch(memory, inMemory, "image/png").body());
            HttpResponse<byte[]> npy = fetch(api, onRedis, "application/x-npy");
            assertThat(npy.statusCode()).as(as).isEqualTo(200);
            String header = new String(npy.body(), 10, npy.body().length - 10 - map.length * Float.BYTES,
                    StandardCharsets.US_ASCII);
            assertThat(header).as(as).contains("'descr': '<f4'", "'shape': (128, 128)");
            assertThat(floats(Arrays.copyOfRange(npy.body(), npy.body().length - map.length * Float.BYTES,
                    npy.body().length))).as(as).containsExactly(map);
            assertThat(npy.body()).as(as).isEqualTo(fetch(memory, inMemory, "application/x-npy").body());
        }
    }

    /** Refused on the API instance before anything is queued, with the memory backend's problem type. */
    @Test
    void badInputIsTheSameProblemThroughRedisAndNothingIsQueued() throws Exception {
        for (Map<String, String> fields : List.of(Map.of("detection", "99"),
                Map.of("box", "10,10,400,40", "target", "Trouser"))) {
            long apiBefore = api.passes.images.get();
            long workerBefore = worker.passes.images.get();
            Map<String, String> form = new LinkedHashMap<>(fields);
            form.put("model", DETECTOR);

            HttpResponse<String> onRedis = post(api, form);
            HttpResponse<String> inMemory = post(memory, form);

            assertThat(onRedis.statusCode()).as(onRedis.body()).isEqualTo(400);
            assertThat(inMemory.statusCode()).as(inMemory.body()).isEqualTo(400);
            JsonNode problem = ClusterHttp.JSON.readTree(onRedis.body());
            assertThat(problem.path("type").asString()).as(fields.toString())
                    .isEqualTo(fields.containsKey("detection") ? "/problems/unknown-detection" : "/problems/box-outside-image")
                    .isEqualTo(ClusterHttp.JSON.readTree(inMemory.body()).path("type").asString());
            assertThat(problem.path("detail").asString())
                    .isEqualTo(ClusterHttp.JSON.readTree(inMemory.body()).path("detail").asString());
            // the detector ran on the API instance to look for detection 99; a box needs no pass
            assertThat(api.passes.images.get() - apiBefore).isEqualTo(fields.containsKey("detection") ? 1 : 0);
            assertThat(worker.passes.images.get()).isEqualTo(workerBefore);
        }
    }

    private static String submit(Node node, Map<String, String> fields) throws Exception {
        HttpResponse<String> response = post(node, fields);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return ClusterHttp.JSON.readTree(response.body()).path("id").asString();
    }

    private static HttpResponse<String> post(Node node, Map<String, String> fields) throws Exception {
        Multipart body = Multipart.image(canvas, "image/png");
        fields.forEach(body::field);
        return http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/jobs")))
                .header("Content-Type", Multipart.contentType()).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode result(Node node, String id) throws Exception {
        HttpResponse<String> response = cluster.get(node, "/v1/jobs/" + id + "/result");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ClusterHttp.JSON.readTree(response.body());
    }

    private static HttpResponse<byte[]> fetch(Node node, String id, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/jobs/" + id + "/result")))
                .header("Accept", accept).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Little-endian float32, as the JSON's base64 and the .npy's data hold them. */
    private static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
