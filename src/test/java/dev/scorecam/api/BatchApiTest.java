package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * Batches over HTTP on the demo model: many images with their own targets, one job each, fetched
 * together as a JSON array or a zip, followed as one event stream; and the requests refused.
 */
@ServerTest
class BatchApiTest {

    static final String BATCHES = "/v1/models/" + ExplanationApiTest.MODEL + "/batches";
    static final List<String> SAMPLES = List.of("sneaker.png", "dress.png", "bag.png");

    @Value("${local.server.port}")
    int port;

    RawHttp http() {
        return new RawHttp(port);
    }

    static Multipart images(List<String> names) throws IOException {
        Multipart body = new Multipart();
        for (String name : names) {
            body.file("image", name, ExplanationApiTest.sample(name), "image/png");
        }
        return body;
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        return ExplanationApiTest.JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
    }

    JsonNode submit(Multipart body) {
        HttpResponse<byte[]> response = http().post(BATCHES, Multipart.contentType(), body.build(), Map.of());
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        JsonNode batch = json(response);
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/batches/" + batch.get("id").asString());
        return batch;
    }

    JsonNode awaitEnd(String id) throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            JsonNode batch = json(http().get("/v1/batches/" + id));
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(batch.get("status").asString())) {
                return batch;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("batch " + id + " did not end");
    }

    HttpResponse<byte[]> get(String path, String accept) {
        return http().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(30)).GET().build());
    }

    @Test
    void threeImagesWithTheirOwnTargetsAnswerAJsonArrayInTheirOrder() throws Exception {
        JsonNode submitted = submit(images(SAMPLES).with(Map.of("targets", List.of("Sneaker", "3", "top-k=2"))));
        assertThat(submitted.get("items")).hasSize(3);
        assertThat(submitted.get("items").get(1).get("filename").asString()).isEqualTo("dress.png");
        String id = submitted.get("id").asString();

        JsonNode batch = awaitEnd(id);
        HttpResponse<byte[]> result = get("/v1/batches/" + id + "/result", "application/json");

        assertThat(batch.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(batch.get("counts").get("succeeded").asInt()).isEqualTo(3);
        assertThat(batch.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(result.statusCode()).isEqualTo(200);
        JsonNode results = json(result);
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("explanations")).hasSize(1);
        assertThat(results.get(0).get("explanations").get(0).get("target").get("label").asString()).isEqualTo("Sneaker");
        assertThat(results.get(1).get("explanations").get(0).get("target").get("index").asInt()).isEqualTo(3);
        // top-k=2 on the bag: its two most probable classes, in the order of its own predictions
        JsonNode bag = results.get(2);
        assertThat(bag.get("explanations")).hasSize(2);
        for (int k = 0; k < 2; k++) {
            assertThat(bag.get("explanations").get(k).get("target").get("index").asInt())
                    .isEqualTo(bag.get("predictions").get(k).get("index").asInt());
        }
        // each image's job is its own: the same as the job of that image alone
        for (int i = 0; i < 3; i++) {
            String job = batch.get("items").get(i).get("job").asString();
            JsonNode alone = json(http().get("/v1/jobs/" + job + "/result"));
            assertThat(alone.get("explanations").get(0).get("saliency").get("data").asString())
                    .isEqualTo(results.get(i).get("explanations").get(0).get("saliency").get("data").asString());
        }
    }

    @Test
    void theZipHoldsOnePngPerImageAndAManifest() throws Exception {
        String id = submit(images(SAMPLES).with(Map.of("targets", List.of("7", "3", "8")))).get("id").asString();
        awaitEnd(id);

        HttpResponse<byte[]> zip = get("/v1/batches/" + id + "/result", "application/zip");
        HttpResponse<byte[]> byParameter = get("/v1/batches/" + id + "/result?format=zip&item=npy", "*/*");

        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, byte[]> entries = unzip(zip.body());
        assertThat(entries.keySet()).containsExactly("000-sneaker-7.png", "001-dress-3.png", "002-bag-8.png",
                "manifest.json");
        for (int i = 0; i < 3; i++) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(entries.get(new ArrayList<>(entries.keySet()).get(i))));
            BufferedImage original = ImageIO.read(new ByteArrayInputStream(ExplanationApiTest.sample(SAMPLES.get(i))));
            assertThat(png).isNotNull();
            assertThat(png.getWidth()).isEqualTo(original.getWidth());
            assertThat(png.getHeight()).isEqualTo(original.getHeight());
        }
        JsonNode manifest = ExplanationApiTest.JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.get("batch").asString()).isEqualTo(id);
        assertThat(manifest.get("items").get(1).get("filename").asString()).isEqualTo("dress.png");
        assertThat(manifest.get("items").get(1).get("files").get(0).get("name").asString()).isEqualTo("001-dress-3.png");
        assertThat(manifest.get("items").get(1).get("files").get(0).get("target").get("label").asString())
                .isEqualTo("Dress");

        Map<String, byte[]> npys = unzip(byParameter.body());
        assertThat(npys.keySet()).containsExactly("000-sneaker-7.npy", "001-dress-3.npy", "002-bag-8.npy", "manifest.json");
        assertThat(new String(npys.get("000-sneaker-7.npy"), 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
    }

    @Test
    void eventsFollowEveryImageAndEndWithCountsThatAddUp() throws Exception {
        // Smoothed Score-CAM in small batches: long enough to be followed while it runs, most times
        String id = submit(images(SAMPLES).with(Map.of("target", List.of("Bag"), "method", List.of("sscam"),
                "batch-size", List.of("16")))).get("id").asString();

        HttpResponse<byte[]> stream = get("/v1/batches/" + id + "/events", "text/event-stream");

        assertThat(stream.statusCode()).isEqualTo(200);
        List<String[]> events = events(new String(stream.body(), StandardCharsets.UTF_8));
        assertThat(events.get(0)[0]).isEqualTo("status");
        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("status");
        JsonNode end = ExplanationApiTest.JSON.readTree(last[1]);
        assertThat(end.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(end.get("counts").get("succeeded").asInt()).isEqualTo(3);
        assertThat(end.get("counts").get("queued").asInt() + end.get("counts").get("running").asInt()
                + end.get("counts").get("failed").asInt() + end.get("counts").get("cancelled").asInt()).isZero();
        assertThat(end.get("progress").asDouble()).isEqualTo(1.0);
        double before = -1;
        for (String[] event : events.subList(Math.min(1, events.size() - 1), events.size() - 1)) {
            assertThat(event[0]).isEqualTo("progress");
            JsonNode progress = ExplanationApiTest.JSON.readTree(event[1]);
            JsonNode counts = progress.get("counts");
            assertThat(counts.get("queued").asInt() + counts.get("running").asInt() + counts.get("succeeded").asInt()
                    + counts.get("failed").asInt() + counts.get("cancelled").asInt()).isEqualTo(3);
            assertThat(progress.get("progress").asDouble()).isBetween(before, 1.0);
            before = progress.get("progress").asDouble();
        }
    }

    @Test
    void aCancelledImageIsItsProblemInTheArrayAndTheManifest() throws Exception {
        // the last image waits behind two slow ones: cancelled while queued (or at its next batch)
        JsonNode submitted = submit(images(SAMPLES).with(Map.of("method", List.of("sscam"), "batch-size", List.of("16"))));
        String id = submitted.get("id").asString();
        String last = submitted.get("items").get(2).get("job").asString();
        http().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs/" + last))
                .timeout(Duration.ofSeconds(30)).DELETE().build());

        JsonNode batch = awaitEnd(id);
        JsonNode results = json(get("/v1/batches/" + id + "/result", "application/json"));
        Map<String, byte[]> zip = unzip(get("/v1/batches/" + id + "/result?format=zip", "*/*").body());

        assertThat(batch.get("status").asString()).isEqualTo("FAILED");
        assertThat(batch.get("counts").get("succeeded").asInt()).isEqualTo(2);
        assertThat(batch.get("counts").get("cancelled").asInt()).isEqualTo(1);
        assertThat(batch.get("items").get(2).get("error").get("type").asString()).isEqualTo("/problems/job-cancelled");
        assertThat(results).hasSize(3);
        assertThat(results.get(1).has("explanations")).isTrue();
        assertThat(results.get(2).get("type").asString()).isEqualTo("/problems/job-cancelled");
        assertThat(zip.keySet()).hasSize(3).contains("manifest.json");
        JsonNode manifest = ExplanationApiTest.JSON.readTree(zip.get("manifest.json"));
        assertThat(manifest.get("items").get(2).get("error").get("type").asString()).isEqualTo("/problems/job-cancelled");
        assertThat(manifest.get("items").get(2).has("files")).isFalse();
    }

    @Test
    void badBatchesAreProblems() throws Exception {
        byte[] png = Uploads.png(32, 32);
        assertProblem(http().post(BATCHES, Multipart.contentType(),
                Multipart.fields(Map.of("targets", List.of("1"))).build(), Map.of()), 400, "invalid-request");

        Multipart tooMany = new Multipart();
        for (int i = 0; i < 33; i++) {
            tooMany.file("image", "i" + i + ".png", png, "image/png");
        }
        HttpResponse<byte[]> refused = http().post(BATCHES, Multipart.contentType(), tooMany.build(), Map.of());
        assertProblem(refused, 400, "invalid-parameter");
        assertThat(json(refused).get("detail").asString()).contains("33 images", "at most 32");

        HttpResponse<byte[]> misaligned = http().post(BATCHES, Multipart.contentType(),
                images(List.of("sneaker.png", "bag.png")).with(Map.of("targets", List.of("1", "2", "3"))).build(), Map.of());
        assertProblem(misaligned, 400, "invalid-parameter");
        assertThat(json(misaligned).get("detail").asString()).contains("3 entries for 2 images");

        assertProblem(http().post(BATCHES, Multipart.contentType(),
                images(List.of("sneaker.png")).with(Map.of("targets", List.of("top-k=x"))).build(), Map.of()),
                400, "invalid-parameter");
        HttpResponse<byte[]> unknownTarget = http().post(BATCHES, Multipart.contentType(),
                images(List.of("sneaker.png", "bag.png")).with(Map.of("targets", List.of("7", "Giraffe"))).build(), Map.of());
        assertProblem(unknownTarget, 400, "unknown-target");
        assertThat(json(unknownTarget).get("detail").asString()).startsWith("image 1 ('bag.png'): ");
        assertProblem(http().post("/v1/models/resnet/batches", Multipart.contentType(),
                images(List.of("sneaker.png")).build(), Map.of()), 404, "unknown-model");

        assertProblem(http().get("/v1/batches/" + UUID.randomUUID()), 404, "unknown-job");
        assertProblem(http().get("/v1/batches/not-a-uuid/result"), 404, "unknown-job");
        assertProblem(http().get("/v1/batches/" + UUID.randomUUID() + "/events"), 404, "unknown-job");
        String id = submit(images(List.of("sneaker.png"))).get("id").asString();
        awaitEnd(id);
        assertProblem(http().get("/v1/batches/" + id + "/result?item=gif"), 400, "invalid-parameter");
        assertProblem(http().get("/v1/batches/" + id + "/result?format=tar"), 400, "invalid-parameter");
    }

    static void assertProblem(HttpResponse<byte[]> response, int status, String slug) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ApiDocumentation.PROBLEM_JSON);
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/" + slug);
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** Name and data of each event, in order. */
    static List<String[]> events(String stream) {
        List<String[]> events = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length());
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()));
                }
            }
            if (name != null) {
                events.add(new String[] {name, data.toString()});
            }
        }
        return events;
    }
}
