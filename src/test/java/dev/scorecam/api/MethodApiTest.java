package dev.scorecam.api;

import static dev.scorecam.api.ExplanationApiTest.MODEL;
import static dev.scorecam.api.ExplanationApiTest.json;
import static dev.scorecam.api.ExplanationApiTest.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/** The CAM methods over HTTP: the catalogue, each method through the sync, PNG and async paths, bad parameters. */
@ServerTest
class MethodApiTest {

    @Value("${local.server.port}")
    int port;

    ApiClient api() {
        return new ApiClient(port);
    }

    JsonNode explain(Map<String, List<String>> fields) throws IOException {
        ResponseEntity<byte[]> response = api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON, fields);
        assertThat(response.getStatusCode().value()).as(new String(response.getBody())).isEqualTo(200);
        return json(response);
    }

    @Test
    void listsTheMethodsWithTheirParameters() {
        JsonNode methods = json(api().get("/v1/methods"));
        assertThat(methods.valueStream().map(m -> m.get("name").asString()))
                .containsExactly("scorecam", "faster-scorecam", "sscam", "iscam", "gradcam", "gradcam++", "eigencam",
                        "ablation-cam", "recipro-cam", "layercam", "hirescam");
        JsonNode faster = methods.get(1);
        assertThat(faster.get("title").asString()).isEqualTo("Faster Score-CAM");
        assertThat(faster.get("cost").asString()).contains("max-channels");
        JsonNode maxChannels = faster.get("parameters").get(0);
        assertThat(maxChannels.get("name").asString()).isEqualTo("max-channels");
        assertThat(maxChannels.get("type").asString()).isEqualTo("integer");
        assertThat(maxChannels.get("default").asInt()).isEqualTo(16);
        assertThat(maxChannels.get("minimum").asInt()).isEqualTo(1);
        assertThat(maxChannels.get("maximum").asInt()).isEqualTo(4096);
        assertThat(methods.get(2).get("parameters").get(1).get("type").asString()).isEqualTo("number");
        assertThat(methods.get(4).get("parameters")).isEmpty();
        JsonNode weighting = methods.get(0).get("parameters").get(0);
        assertThat(weighting.get("name").asString()).isEqualTo("weighting");
        assertThat(weighting.get("type").asString()).isEqualTo("string");
        assertThat(weighting.get("default").asString()).isEqualTo("softmax");
        assertThat(weighting.get("enum").valueStream().map(JsonNode::asString))
                .containsExactly("softmax", "probability", "relu-increase");
        assertThat(weighting.has("minimum")).isFalse();
        assertThat(maxChannels.has("enum")).isFalse();
    }

    @Test
    void gradientMethodsCostOneForwardAndOneBackwardPass() throws IOException {
        for (String method : List.of("gradcam", "gradcam++")) {
            JsonNode body = explain(Map.of("method", List.of(method)));
            assertThat(body.get("method").asString()).isEqualTo(method);
            JsonNode stats = body.get("stats");
            assertThat(stats.get("forwardPasses").asInt()).isEqualTo(1);
            assertThat(stats.get("backwardPasses").asInt()).isEqualTo(1);
            float[] map = ApiClient.decodeFloats(body.get("explanations").get(0).get("saliency").get("data").asString());
            assertThat(max(map)).isEqualTo(1f);
        }
        JsonNode twoTargets = explain(Map.of("method", List.of("gradcam"), "top-k", List.of("2")));
        assertThat(twoTargets.get("stats").get("backwardPasses").asInt()).isEqualTo(2);
    }

    /** Every backward pass a response reports, and no other, reaches scorecam_backward_passes_total. */
    @Test
    void backwardPassesAreCountedInTheMetrics() throws IOException {
        double before = backwardPassesCounted();
        JsonNode body = explain(Map.of("method", List.of("gradcam++"), "top-k", List.of("3")));
        assertThat(backwardPassesCounted() - before).isEqualTo(body.get("stats").get("backwardPasses").asDouble())
                .isEqualTo(3);
    }

    private double backwardPassesCounted() {
        return counted("scorecam_backward_passes_total");
    }

    private double counted(String counter) {
        String metrics = api().get("/actuator/prometheus").getBody();
        java.util.regex.Matcher value = java.util.regex.Pattern
                .compile("(?m)^" + counter + "\\{model=\"" + MODEL + "\"} (\\S+)$").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /**
     * Recipro-CAM rescores one masked copy of A per location of the target layer's grid, Ablation-CAM
     * one per channel that is not all zero (at least the live ones, at most all), both through the
     * head alone after the input's one forward pass: stats and the metrics report those head passes
     * apart from the forward passes (the grid and K from the model's own description).
     */
    @Test
    void headOnlyMethodsReportTheirHeadPassesApart() throws IOException {
        JsonNode model = json(api().get("/v1/models/" + MODEL));
        int cells = model.get("activations").get("width").asInt() * model.get("activations").get("height").asInt();
        int channels = model.get("channels").asInt();
        for (String method : List.of("recipro-cam", "ablation-cam")) {
            double before = counted("scorecam_head_passes_total");
            JsonNode stats = explain(Map.of("method", List.of(method))).get("stats");
            assertThat(stats.get("forwardPasses").asInt()).as(method).isEqualTo(1);
            assertThat(stats.get("backwardPasses").asInt()).as(method).isZero();
            int headPasses = stats.get("headPasses").asInt();
            if (method.equals("recipro-cam")) {
                assertThat(headPasses).as(method).isEqualTo(cells);
            } else {
                assertThat(headPasses).as(method).isBetween(stats.get("liveChannels").asInt(), channels);
            }
            assertThat(counted("scorecam_head_passes_total") - before).as(method + " in the metrics")
                    .isEqualTo(headPasses);
        }
        JsonNode scoreCam = explain(Map.of()).get("stats");
        assertThat(scoreCam.get("headPasses").asInt()).as("Score-CAM runs whole passes only").isZero();
    }

    @Test
    void scoreCamVariantsReportTheirParametersAndPasses() throws IOException {
        JsonNode faster = explain(Map.of("method", List.of("faster-scorecam"), "max-channels", List.of("8")));
        assertThat(faster.get("parameters").get("max-channels").asInt()).isEqualTo(8);
        assertThat(faster.get("stats").get("forwardPasses").asInt()).isEqualTo(8 + 2);
        assertThat(faster.get("stats").get("backwardPasses").asInt()).isZero();

        JsonNode iscam = explain(Map.of("method", List.of("iscam"), "steps", List.of("2")));
        int live = iscam.get("stats").get("liveChannels").asInt();
        assertThat(iscam.get("stats").get("forwardPasses").asInt()).isEqualTo(2 * live + 2);

        Map<String, List<String>> sscam = Map.of("method", List.of("sscam"), "samples", List.of("2"),
                "seed", List.of("42"));
        JsonNode first = explain(sscam);
        assertThat(first.get("parameters").get("noise").asDouble()).isEqualTo(2.0);
        assertThat(first.get("stats").get("forwardPasses").asInt()).isEqualTo(2 * live + 2);
        assertThat(explain(sscam).get("explanations").get(0).get("saliency").get("data").asString())
                .as("the same request, the same map")
                .isEqualTo(first.get("explanations").get(0).get("saliency").get("data").asString());

        JsonNode paper = explain(Map.of());
        assertThat(paper.get("parameters").get("weighting").asString()).isEqualTo("softmax");
        JsonNode increase = explain(Map.of("weighting", List.of("relu-increase")));
        assertThat(increase.get("parameters").get("weighting").asString()).isEqualTo("relu-increase");
        assertThat(increase.get("stats").get("forwardPasses").asInt()).as("the same passes, weighed otherwise")
                .isEqualTo(paper.get("stats").get("forwardPasses").asInt());
        assertThat(increase.get("explanations").get(0).get("saliency").get("data").asString())
                .isNotEqualTo(paper.get("explanations").get(0).get("saliency").get("data").asString());
    }

    @Test
    void pngPathTakesTheMethod() throws IOException {
        ResponseEntity<byte[]> png = api().explain(MODEL, sample("sneaker.png"), MediaType.IMAGE_PNG,
                Map.of("method", List.of("gradcam++")));
        assertThat(png.getStatusCode().value()).isEqualTo(200);
        assertThat(ImageIO.read(new ByteArrayInputStream(png.getBody())).getWidth()).isEqualTo(96);
    }

    @Test
    void asyncJobsTakeTheMethodAndItsParameters() throws IOException {
        Multipart body = Multipart.image(sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", MODEL).field("method", "faster-scorecam").field("max-channels", "4");
        RestClient client = RestClient.create("http://localhost:" + port);
        ResponseEntity<String> submitted = client.post().uri("/v1/jobs").contentType(ApiClient.MULTIPART)
                .body(body.build()).retrieve().onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
        assertThat(submitted.getStatusCode().value()).isEqualTo(202);
        String id = json(submitted).get("id").asString();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> json(api().get("/v1/jobs/" + id)).get("status").asString(), s -> s.equals("SUCCEEDED"));
        JsonNode result = json(api().get("/v1/jobs/" + id + "/result"));
        assertThat(result.get("method").asString()).isEqualTo("faster-scorecam");
        assertThat(result.get("stats").get("forwardPasses").asInt()).isEqualTo(4 + 2);

        Multipart bad = Multipart.image(sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", MODEL).field("method", "iscam").field("steps", "0");
        ResponseEntity<String> refused = client.post().uri("/v1/jobs").contentType(ApiClient.MULTIPART)
                .body(bad.build()).retrieve().onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(json(refused).get("type").asString()).isEqualTo("/problems/invalid-parameter");
    }

    @Test
    void badMethodParametersAreInvalidParameters() throws IOException {
        assertInvalid(Map.of("method", List.of("faster-scorecam"), "max-channels", List.of("0")), "'max-channels' must be");
        assertInvalid(Map.of("method", List.of("sscam"), "noise", List.of("NaN")), "'noise' must be");
        assertInvalid(Map.of("method", List.of("sscam"), "samples", List.of("1000000")), "'samples' must be");
        assertInvalid(Map.of("method", List.of("iscam"), "steps", List.of("three")), "'steps' cannot be");
        assertInvalid(Map.of("method", List.of("gradcam"), "steps", List.of("3")), "not a parameter of gradcam");
        assertInvalid(Map.of("max-channels", List.of("3")), "not a parameter of scorecam");
        assertInvalid(Map.of("weighting", List.of("uniform")),
                "'weighting' must be one of softmax, probability, relu-increase, not 'uniform'");
        assertInvalid(Map.of("method", List.of("gradcam"), "weighting", List.of("softmax")), "not a parameter of gradcam");
        ResponseEntity<byte[]> unknown = api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON,
                Map.of("method", List.of("lime")));
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(json(unknown).get("type").asString()).isEqualTo("/problems/unknown-method");
        assertThat(json(unknown).get("detail").asString()).contains("gradcam++");
    }

    private void assertInvalid(Map<String, List<String>> fields, String detail) throws IOException {
        ResponseEntity<byte[]> response = api().explain(MODEL, sample("sneaker.png"), MediaType.APPLICATION_JSON, fields);
        assertThat(response.getStatusCode().value()).as(fields.toString()).isEqualTo(400);
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-parameter");
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
