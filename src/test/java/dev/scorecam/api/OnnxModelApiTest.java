package dev.scorecam.api;

import static dev.scorecam.api.ExplanationApiTest.json;
import static dev.scorecam.api.ExplanationApiTest.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

import dev.scorecam.ServerTest;

/**
 * A model on ONNX Runtime over HTTP, beside its TorchScript twin (tools/make_onnx_test_models.py):
 * it says its engine and the methods it runs, refuses the gradient methods with the catalogue's
 * problem, and answers Score-CAM with its twin's map.
 */
@ServerTest
@TestPropertySource(properties = "scorecam.model-dirs=src/test/resources/models/twin")
class OnnxModelApiTest {

    @Value("${local.server.port}")
    int port;

    ApiClient api() {
        return new ApiClient(port);
    }

    @Test
    void describesItsEngineAndTheMethodsItRuns() {
        JsonNode onnx = json(api().get("/v1/models/twin-onnx"));
        assertThat(onnx.get("engine").asString()).isEqualTo("onnxruntime");
        assertThat(onnx.get("methods").valueStream().map(JsonNode::asString))
                .contains("scorecam", "faster-scorecam", "sscam", "iscam")
                .doesNotContain("gradcam", "gradcam++");
        JsonNode torchScript = json(api().get("/v1/models/twin"));
        assertThat(torchScript.get("engine").asString()).isEqualTo("torchscript");
        assertThat(torchScript.get("methods").valueStream().map(JsonNode::asString)).contains("gradcam", "gradcam++");
    }

    @Test
    void aGradientMethodIsRefusedNamingTheMethodAndTheEngine() throws IOException {
        for (String method : List.of("gradcam", "gradcam++")) {
            ResponseEntity<byte[]> response = api().explain("twin-onnx", sample("sneaker.png"),
                    MediaType.APPLICATION_JSON, Map.of("method", List.of(method)));
            assertThat(response.getStatusCode().value()).isEqualTo(400);
            assertThat(response.getHeaders().getContentType().toString()).startsWith("application/problem+json");
            JsonNode problem = json(response);
            assertThat(problem.get("type").asString()).isEqualTo("/problems/method-unsupported");
            assertThat(problem.get("detail").asString())
                    .contains("'" + method + "'", "gradients", "onnxruntime", "twin-onnx", "scorecam");
        }
    }

    @Test
    void scoreCamGivesTheTwinsMap() throws IOException {
        float[] torchScript = map("twin");
        float[] onnx = map("twin-onnx");
        assertThat(onnx).hasSameSizeAs(torchScript);
        double maxDifference = 0;
        for (int i = 0; i < onnx.length; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(onnx[i] - torchScript[i]));
        }
        assertThat(maxDifference).isLessThan(1e-4);
    }

    private float[] map(String model) throws IOException {
        ResponseEntity<byte[]> response = api().explain(model, sample("sneaker.png"), MediaType.APPLICATION_JSON,
                Map.of("method", List.of("scorecam"), "target", List.of("2")));
        assertThat(response.getStatusCode().value()).as(new String(response.getBody())).isEqualTo(200);
        JsonNode saliency = json(response).get("explanations").get(0).get("saliency");
        assertThat(saliency.get("allZero").asBoolean()).isFalse();
        return ApiClient.decodeFloats(saliency.get("data").asString());
    }
}
