package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/** The asynchronous lifecycle over HTTP on the demo model: submit, poll, events, result, cancel. */
@ServerTest
@TestPropertySource(properties = "scorecam.queue.capacity=4")
class JobApiTest {

    static final String MODEL = ExplanationApiTest.MODEL;

    @Value("${local.server.port}")
    int port;

    ResponseEntity<String> submit(String model, List<String> targets) throws Exception {
        Multipart body = Multipart.image(ExplanationApiTest.sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", model);
        targets.forEach(t -> body.field("target", t));
        return RestClient.create("http://localhost:" + port).post().uri("/v1/jobs")
                .contentType(ApiClient.MULTIPART).body(body.build()).retrieve()
                .onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
    }

    JsonNode awaitEnd(String id) throws InterruptedException {
        ApiClient api = new ApiClient(port);
        for (int i = 0; i < 1000; i++) {
            JsonNode job = ExplanationApiTest.json(api.get("/v1/jobs/" + id));
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("status").asString())) {
                return job;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end");
    }

    @Test
    void submitPollAndFetchTheResultAsJsonAndPng() throws Exception {
        ResponseEntity<String> submitted = submit(MODEL, List.of("Sneaker"));
        assertThat(submitted.getStatusCode().value()).isEqualTo(202);
        JsonNode body = ExplanationApiTest.json(submitted);
        String id = body.get("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(submitted.getHeaders().getLocation()).isEqualTo(URI.create("/v1/jobs/" + id));
        assertThat(body.get("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(body.get("links").get("result").asString()).isEqualTo("/v1/jobs/" + id + "/result");

        JsonNode job = awaitEnd(id);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.has("submittedAt") && job.has("startedAt") && job.has("finishedAt")).isTrue();
        assertThat(job.has("error")).isFalse();

        ApiClient api = new ApiClient(port);
        JsonNode result = ExplanationApiTest.json(api.get("/v1/jobs/" + id + "/result?heatmap=true"));
        assertThat(result.get("explanations").get(0).get("target").get("index").asInt()).isEqualTo(7);
        assertThat(result.get("explanations").get(0).get("heatmapPng").asString()).isNotEmpty();

        ResponseEntity<byte[]> png = RestClient.create("http://localhost:" + port).get()
                .uri("/v1/jobs/{id}/result?colormap=viridis&overlay=false", id).accept(MediaType.IMAGE_PNG)
                .retrieve().toEntity(byte[].class);
        assertThat(png.getHeaders().getContentType()).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(png.getHeaders().getFirst(ExplanationController.TARGET_HEADER)).isEqualTo("7");

        // cancelling a finished job changes nothing
        ResponseEntity<String> cancelled = RestClient.create("http://localhost:" + port).delete()
                .uri("/v1/jobs/{id}", id).retrieve().toEntity(String.class);
        assertThat(cancelled.getStatusCode().value()).isEqualTo(200);
        assertThat(ExplanationApiTest.json(cancelled).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void eventsEndWithTheFinalState() throws Exception {
        String id = ExplanationApiTest.json(submit(MODEL, List.of())).get("id").asString();
        HttpResponse<String> events = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs/" + id + "/events"))
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        String stream = events.body();
        assertThat(stream).startsWith("event:status");
        assertThat(stream.strip()).contains("\"status\":\"SUCCEEDED\"");
        String last = stream.strip().substring(stream.strip().lastIndexOf("event:"));
        assertThat(last).startsWith("event:status").contains("SUCCEEDED");
    }

    @Test
    void eventsOfAJobThatHasEndedAreOneFinalStatus() throws Exception {
        String id = ExplanationApiTest.json(submit(MODEL, List.of())).get("id").asString();
        awaitEnd(id);

        HttpResponse<String> events = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs/" + id + "/events"))
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(events.body().lines().filter(line -> line.startsWith("event:")))
                .containsExactly("event:status");
        assertThat(events.body()).contains("\"status\":\"SUCCEEDED\"");
    }

    @Test
    void unknownJobsAndClientErrors() throws Exception {
        ApiClient api = new ApiClient(port);
        ResponseEntity<String> unknown = api.get("/v1/jobs/" + UUID.randomUUID());
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(ExplanationApiTest.json(unknown).get("type").asString()).isEqualTo("/problems/unknown-job");
        assertThat(api.get("/v1/jobs/not-a-uuid/result").getStatusCode().value()).isEqualTo(404);

        ResponseEntity<String> noSuchModel = submit("no-such-model", List.of());
        assertThat(noSuchModel.getStatusCode().value()).isEqualTo(404);
        assertThat(ExplanationApiTest.json(noSuchModel).get("type").asString()).isEqualTo("/problems/unknown-model");
    }
}
