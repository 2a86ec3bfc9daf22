package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.ServerTest;

/** The service end to end, over HTTP, on the bundled demo model. */
@ServerTest
class ExplanationApiTest {

    static final String MODEL = "fashion-cnn";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Value("${local.server.port}")
    int port;

    ApiClient api() {
        return new ApiClient(port);
    }

    static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(Path.of("samples", name));
    }

    static JsonNode json(ResponseEntity<?> response) {
        Object body = response.getBody();
        return JSON.readTree(body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) body);
    }

    @Test
    void listsTheDemoModel() {
        ResponseEntity<String> response = api().get("/v1/models");
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode model = json(response).get(0);
        assertThat(model.get("name").asString()).isEqualTo(MODEL);
        assertThat(model.get("input").get("width").asInt()).isEqualTo(96);
        assertThat(model.get("labels").size()).isEqualTo(10);
        assertThat(model.get("channels").asInt()).isGreaterThanOrEqualTo(64);
        assertThat(model.get("device").asString()).isEqualTo("cpu()");
        assertThat(model.get("precision").asString()).isEqualTo("fp32");
        assertThat(model.get("batchSizeFrom").asString()).isIn("auto", "configured");

        assertThat(json(api().get("/v1/models/" + MODEL)).get("labels").get(7).asString()).isEqualTo("Sneaker");
        assertThat(model.get("layout").get("kind").asString()).isEqualTo("channels-first");
    }

    @Test
    void listsTheDemoVitWithItsTokenLayoutAndEveryMethod() {
        JsonNode vit = json(api().get("/v1/models/fashion-vit"));
        assertThat(vit.get("layout").toString()).isEqualTo(
                "{\"kind\":\"tokens\",\"prefixTokens\":0,\"grid\":{\"width\":12,\"height\":12}}");
        assertThat(vit.get("activations").toString()).isEqualTo("{\"width\":12,\"height\":12}");
        assertThat(vit.get("methods").valueStream().map(JsonNode::asString)).contains("scorecam", "gradcam");
    }

    @Test
    void explainsASneakerAsJson() throws IOException {
        ResponseEntity<byte[]> response = api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON,
                Map.of("heatmap", List.of("true")));

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        assertThat(body.get("method").asString()).isEqualTo("scorecam");
        assertThat(body.get("predictions")).hasSize(5);
        assertThat(body.get("predictions").get(0).get("label").asString()).isEqualTo("Sneaker");
        JsonNode explanation = body.get("explanations").get(0);
        assertThat(explanation.get("target").get("index").asInt()).isEqualTo(7);
        JsonNode saliency = explanation.get("saliency");
        assertThat(saliency.get("dtype").asString()).isEqualTo("float32");
        float[] map = ApiClient.decodeFloats(saliency.get("data").asString());
        assertThat(map).hasSize(96 * 96);
        assertThat(min(map)).isEqualTo(0f);
        assertThat(max(map)).isEqualTo(1f);
        assertThat(explanation.get("heatmapPng").asString()).isNotEmpty();
        JsonNode stats = body.get("stats");
        assertThat(stats.get("forwardPasses").asInt()).isEqualTo(stats.get("liveChannels").asInt() + 2);
        assertThat(stats.get("precision").asString()).isEqualTo("fp32");
    }

    @Test
    void extraTargetsCostNoExtraForwardPasses() throws IOException {
        JsonNode one = json(api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON, Map.of()));
        JsonNode three = json(api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON,
                Map.of("target", List.of("Sneaker", "5", "ankle boot"))));
        assertThat(three.get("explanations")).hasSize(3);
        assertThat(three.get("explanations").get(2).get("target").get("index").asInt()).isEqualTo(9);
        assertThat(three.get("stats").get("forwardPasses").asInt()).isEqualTo(one.get("stats").get("forwardPasses").asInt());
        JsonNode topK = json(api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON,
                Map.of("top-k", List.of("2"))));
        assertThat(topK.get("explanations")).hasSize(2);
    }

    @Test
    void pngHeatmapHasTheOriginalResolution() throws IOException {
        ResponseEntity<byte[]> response = api().explain(MODEL, sample("bag-wide.png"), MediaType.IMAGE_PNG, Map.of());
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.IMAGE_PNG);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.getBody()));
        BufferedImage original = ImageIO.read(Path.of("samples", "bag-wide.png").toFile());
        assertThat(png.getWidth()).isEqualTo(original.getWidth());
        assertThat(png.getHeight()).isEqualTo(original.getHeight());
        assertThat(response.getHeaders().getFirst(ExplanationController.TARGET_HEADER)).isNotBlank();
    }

    @Test
    void badRequestsGetProblemDetails() throws IOException {
        byte[] sneaker = sample("sneaker.png");
        assertProblem(api().explain("no-such-model", sneaker, MediaType.APPLICATION_JSON, Map.of()), 404, "unknown-model");
        assertProblem(api().explain(MODEL, "hello".getBytes(StandardCharsets.UTF_8), MediaType.APPLICATION_JSON, Map.of()),
                415, "unsupported-image");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("target", List.of("Giraffe"))),
                400, "unknown-target");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("target", List.of("10"))),
                400, "unknown-target");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("method", List.of("lime"))),
                400, "unknown-method");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("score", List.of("odds"))),
                400, "invalid-parameter");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("top-k", List.of("many"))),
                400, "invalid-parameter");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON, Map.of("alpha", List.of("2"))),
                400, "invalid-parameter");
        assertProblem(api().explain(MODEL, sneaker, MediaType.APPLICATION_JSON,
                Map.of("target", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"))), 400, "too-many-targets");
        assertProblem(api().explain(MODEL, null, MediaType.APPLICATION_JSON, Map.of("target", List.of("1"))),
                400, "invalid-request");
        assertProblem(api().explain(MODEL, new byte[400 * 1024], MediaType.APPLICATION_JSON, Map.of()),
                413, "upload-too-large");
        // A PNG client still gets its error as problem JSON.
        assertProblem(api().explain("no-such-model", sneaker, MediaType.IMAGE_PNG, Map.of()), 404, "unknown-model");
    }

    private static void assertProblem(ResponseEntity<byte[]> response, int status, String type) {
        assertThat(response.getStatusCode().value()).as(new String(response.getBody() == null ? new byte[0] : response.getBody()))
                .isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception");
    }

    static float min(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
