package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * The queue under load on the real demo model, with a small queue: every request ends 200 or
 * 503, every 200 carries the same maps as a request made alone, every accepted job ends.
 */
@ServerTest
@TestPropertySource(properties = "scorecam.queue.capacity=4")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsUnderLoadTest {

    static final String MODEL = ExplanationApiTest.MODEL;
    static final int CLIENTS = 32;
    static final int REQUESTS_PER_CLIENT = 3;

    @Value("${local.server.port}")
    int port;

    List<String> samples;
    final Map<String, byte[]> images = new HashMap<>();
    /** Saliency of each sample's top class, computed alone, before the load. */
    final Map<String, float[]> alone = new HashMap<>();

    @BeforeAll
    void explainEachSampleAlone() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".png")).map(p -> p.getFileName().toString())
                    .sorted().limit(4).toList();
        }
        assertThat(samples).isNotEmpty();
        for (String sample : samples) {
            images.put(sample, ExplanationApiTest.sample(sample));
            ResponseEntity<byte[]> response = sync(images.get(sample));
            assertThat(response.getStatusCode().value()).isEqualTo(200);
            alone.put(sample, saliency(ExplanationApiTest.json(response)));
        }
    }

    @Test
    void synchronousRequestsEndIn200Or503AndAgreeWithRequestsMadeAlone() throws Exception {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<Future<?>> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                        String sample = samples.get((client + r) % samples.size());
                        ResponseEntity<byte[]> response = sync(images.get(sample));
                        int status = response.getStatusCode().value();
                        statuses.merge(status, 1, Integer::sum);
                        if (status == 200) {
                            assertThat(saliency(ExplanationApiTest.json(response)))
                                    .as("saliency of %s under load", sample)
                                    .containsExactly(alone.get(sample), org.assertj.core.data.Offset.offset(1e-6f));
                        } else {
                            assertThat(status).isEqualTo(503);
                            JsonNode problem = ExplanationApiTest.json(response);
                            assertThat(problem.get("type").asString()).isEqualTo("/problems/queue-full");
                            assertThat(Integer.parseInt(response.getHeaders().getFirst("Retry-After")))
                                    .isGreaterThanOrEqualTo(1);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses.keySet()).isSubsetOf(200, 503).contains(200);
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
    }

    @Test
    void everyAcceptedAsynchronousJobEnds() throws Exception {
        Map<String, String> accepted = new ConcurrentHashMap<>(); // job id -> sample
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    String sample = samples.get(client % samples.size());
                    ResponseEntity<String> response = submit(images.get(sample));
                    int status = response.getStatusCode().value();
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 202) {
                        JsonNode body = ExplanationApiTest.json(response);
                        assertThat(response.getHeaders().getLocation().toString())
                                .isEqualTo("/v1/jobs/" + body.get("id").asString());
                        accepted.put(body.get("id").asString(), sample);
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses.keySet()).isSubsetOf(202, 503).contains(202);

        ApiClient api = new ApiClient(port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Map.Entry<String, String> job : accepted.entrySet()) {
            String status;
            do {
                status = ExplanationApiTest.json(api.get("/v1/jobs/" + job.getKey())).get("status").asString();
                Thread.sleep(10);
            } while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) && System.nanoTime() < deadline);
            assertThat(status).isEqualTo("SUCCEEDED");
            JsonNode result = ExplanationApiTest.json(api.get("/v1/jobs/" + job.getKey() + "/result"));
            assertThat(saliency(result)).containsExactly(alone.get(job.getValue()),
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    private RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }

    private ResponseEntity<byte[]> sync(byte[] image) {
        return client().post().uri("/v1/models/{model}/explanations", MODEL)
                .contentType(ApiClient.MULTIPART)
                .accept(MediaType.APPLICATION_JSON)
                .body(Multipart.image(image, MediaType.IMAGE_PNG_VALUE).build())
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .toEntity(byte[].class);
    }

    private ResponseEntity<String> submit(byte[] image) {
        return client().post().uri("/v1/jobs")
                .contentType(ApiClient.MULTIPART)
                .body(Multipart.image(image, MediaType.IMAGE_PNG_VALUE).field("model", MODEL).build())
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .toEntity(String.class);
    }

    private static float[] saliency(JsonNode explanation) {
        return ApiClient.decodeFloats(explanation.get("explanations").get(0).get("saliency").get("data").asString());
    }
}
