package dev.scorecam.api;

import static dev.scorecam.api.ExplanationApiTest.MODEL;
import static dev.scorecam.api.ExplanationApiTest.json;
import static dev.scorecam.api.ExplanationApiTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeType;
import tools.jackson.databind.node.ObjectNode;

import dev.scorecam.ServerTest;

/**
 * KServe's V1 explain and the Open Inference Protocol's health and metadata, held to the requests
 * and responses KServe documents (src/test/resources/kserve, whose README names each source): its
 * example requests are answered, and the answers have the documented members with the documented
 * JSON types.
 */
@ServerTest
class KServeApiTest {

    static final Path EXAMPLES = Path.of("src", "test", "resources", "kserve");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String EXPLAIN = "/v1/models/" + MODEL + ":explain";

    @Value("${local.server.port}")
    int port;

    ResponseEntity<String> post(String path, String body, MediaType type) {
        return RestClient.create("http://localhost:" + port).post().uri(path).contentType(type).body(body)
                .retrieve().onStatus(status -> true, (request, response) -> {}).toEntity(String.class);
    }

    /** As KServe's examples send it: {@code curl -d @file}, which says the body is a form. */
    ResponseEntity<String> explain(String body) {
        return post(EXPLAIN, body, MediaType.APPLICATION_FORM_URLENCODED);
    }

    static String example(String name) throws IOException {
        return Files.readString(EXAMPLES.resolve(name));
    }

    static String instances(String... images) {
        List<String> items = new ArrayList<>();
        for (String image : images) {
            items.add("{\"data\":\"" + image + "\"}");
        }
        return "{\"instances\":[" + String.join(",", items) + "]}";
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void theTorchServeExampleIsExplainedForItsTargetAsTheMultipartEndpointExplainsIt() throws IOException {
        String request = example("torchserve-mnist-explain-request.json");
        ResponseEntity<String> response = explain(request);

        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode answer = json(response);
        JsonNode documented = JSON.readTree(example("torchserve-mnist-explain-response.json"));
        assertThat(answer.propertyNames()).containsExactlyElementsOf(documented.propertyNames());
        assertThat(answer.get("explanations").getNodeType()).isEqualTo(documented.get("explanations").getNodeType());
        assertThat(answer.get("explanations").size()).isEqualTo(JSON.readTree(request).get("instances").size());

        JsonNode explanation = answer.get("explanations").get(0);
        assertThat(explanation.get("model").asString()).isEqualTo(MODEL);
        assertThat(explanation.get("method").asString()).isEqualTo("scorecam");
        JsonNode target = explanation.get("targets").get(0);
        assertThat(target.get("target").asInt()).isEqualTo(0); // the example's "target": 0
        assertThat(target.get("label").asString()).isEqualTo("T-shirt/top");
        // The map as nested arrays of numbers, as the documented answer holds it: rows of pixels.
        JsonNode rows = target.get("saliency");
        JsonNode documentedRows = documented.get("explanations").get(0).get(0);
        assertThat(rows.get(0).get(0).getNodeType()).isEqualTo(documentedRows.get(0).get(0).getNodeType());
        assertThat(rows.size()).isEqualTo(target.get("height").asInt()).isEqualTo(96);
        rows.forEach(row -> assertThat(row.size()).isEqualTo(96));

        // The same image and target through POST /v1/models/{model}/explanations: the same map.
        byte[] image = Base64.getDecoder().decode(JSON.readTree(request).get("instances").get(0).get("data").asString());
        ResponseEntity<byte[]> multipart = new ApiClient(port).explain(MODEL, image, MediaType.APPLICATION_JSON,
                Map.of("target", List.of("0")));
        float[] expected = ApiClient.decodeFloats(json(multipart).get("explanations").get(0).get("saliency").get("data").asString());
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                assertThat(rows.get(y).get(x).floatValue()).as("(%d,%d)", x, y).isCloseTo(expected[y * 96 + x], within(1e-6f));
            }
        }
    }

    @Test
    void theTensorFlowExampleIsExplainedForItsTopClassAndKeepsItsKey() throws IOException {
        ResponseEntity<String> response = explain(example("tensorflow-flowers-request.json"));

        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode explanation = json(response).get("explanations").get(0);
        assertThat(explanation.get("key").asString()).isEqualTo("   1");
        assertThat(explanation.get("targets")).hasSize(1);
        assertThat(explanation.get("targets").get(0).get("target").asInt())
                .isEqualTo(explanation.get("predictions").get(0).get("index").asInt());
    }

    @Test
    void parametersComeFromTheBodyElseFromTheQuery() throws IOException {
        String image = base64(sample("sneaker.png"));
        String body = "{\"instances\":[{\"b64\":\"" + image + "\"},\"" + image + "\"],"
                + "\"parameters\":{\"method\":\"gradcam\",\"top-k\":2}}";

        JsonNode fromBody = json(post(EXPLAIN + "?method=eigencam", body, MediaType.APPLICATION_JSON));
        JsonNode fromQuery = json(post(EXPLAIN + "?method=eigencam&target=Sneaker,7", instances(image), MediaType.APPLICATION_JSON));

        assertThat(fromBody.get("explanations")).hasSize(2);
        for (JsonNode explanation : fromBody.get("explanations")) {
            assertThat(explanation.get("method").asString()).isEqualTo("gradcam");
            assertThat(explanation.get("targets")).hasSize(2);
        }
        assertThat(fromQuery.get("explanations").get(0).get("method").asString()).isEqualTo("eigencam");
        assertThat(fromQuery.get("explanations").get(0).get("targets").valueStream().map(t -> t.get("label").asString()))
                .containsExactly("Sneaker", "Sneaker");
    }

    @Test
    void aDetectorExplainsItsDetectionsThroughExplainToo() throws IOException {
        String image = base64(Files.readAllBytes(Path.of("src", "test", "resources", "detector", "two-garments.png")));
        String body = "{\"instances\":[\"" + image + "\"],\"parameters\":{\"method\":\"eigencam\",\"detection\":1}}";

        JsonNode answer = json(post("/v1/models/fashion-detector:explain", body, MediaType.APPLICATION_JSON));

        JsonNode explanation = answer.get("explanations").get(0);
        assertThat(explanation.get("predictions").isNull() || explanation.get("predictions").isMissingNode()).isTrue();
        assertThat(explanation.get("targets")).hasSize(1);
        assertProblem(post("/v1/models/fashion-detector:explain", body.replace("\"detection\":1", "\"detection\":99"),
                MediaType.APPLICATION_JSON), 400, "unknown-detection");
        assertProblem(post(EXPLAIN, body, MediaType.APPLICATION_JSON), 400, "not-a-detector");
    }

    @Test
    void badBodiesAreProblemsNeverA500() throws IOException {
        String image = base64(sample("sneaker.png"));
        assertProblem(explain("{\"instances\": ["), 400, "invalid-request");
        assertProblem(explain("{\"inputs\": []}"), 400, "invalid-request");
        assertProblem(explain("{\"instances\": []}"), 400, "invalid-request");
        assertProblem(explain("{\"instances\": [{\"image\": \"" + image + "\"}]}"), 400, "invalid-request");
        assertProblem(explain("{\"instances\": [{\"data\": 42}]}"), 400, "invalid-request");
        assertProblem(explain("{\"instances\": [], \"parameters\": [1]}"), 400, "invalid-request");
        assertProblem(explain(instances("not*base64")), 400, "invalid-image");
        assertProblem(explain(instances(base64("no image at all".getBytes(StandardCharsets.UTF_8)))), 415, "unsupported-image");
        assertProblem(explain("{\"instances\":[{\"data\":\"" + image + "\",\"target\":10}]}"), 400, "unknown-target");
        assertProblem(explain("{\"instances\":[{\"data\":\"" + image + "\",\"target\":{\"a\":1}}]}"), 400, "invalid-parameter");
        assertProblem(explain("{\"instances\":[\"" + image + "\"],\"parameters\":{\"topk\":2}}"), 400, "invalid-parameter");
        assertProblem(explain("{\"instances\":[\"" + image + "\"],\"parameters\":{\"top-k\":\"two\"}}"), 400, "invalid-parameter");
        assertProblem(explain("{\"instances\":[\"" + image + "\"],\"parameters\":{\"method\":\"magic\"}}"), 400, "unknown-method");
        String eleven = instances(image, image, image, image, image, image, image, image, image, image, image);
        assertProblem(explain(eleven), 400, "too-many-targets");
        assertProblem(post("/v1/models/no-such-model:explain", instances(image), MediaType.APPLICATION_JSON), 404, "unknown-model");
        // The test server takes uploads up to 310 KB; in base64 that is 4/3 as much.
        assertProblem(explain(instances("A".repeat(500_000))), 413, "upload-too-large");
    }

    @Test
    void healthAndMetadataHaveTheShapesKServeDocuments() throws IOException {
        RestClient client = RestClient.create("http://localhost:" + port);
        assertSameShape(get(client, "/v2/health/live"), example("oip-server-live.json"), Set.of());
        assertSameShape(get(client, "/v2/health/ready"), example("oip-server-ready.json"), Set.of());
        JsonNode ready = assertSameShape(get(client, "/v2/models/" + MODEL + "/ready"), example("oip-model-ready.json"), Set.of());
        assertThat(ready.get("name").asString()).isEqualTo(MODEL);
        assertThat(ready.get("ready").asBoolean()).isTrue();
        // "versions" is optional in the protocol: this server has one version of each model.
        JsonNode metadata = assertSameShape(get(client, "/v2/models/" + MODEL), example("oip-model-metadata.json"), Set.of("versions"));
        assertThat(metadata.get("platform").asString()).isEqualTo("pytorch_torchscript");
        assertThat(metadata.get("inputs").get(0).get("shape").valueStream().map(JsonNode::asInt)).containsExactly(-1, 3, 96, 96);
        assertThat(metadata.get("outputs").get(0).get("shape").valueStream().map(JsonNode::asInt)).containsExactly(-1, 10);

        assertProblem(client.get().uri("/v2/models/no-such-model").retrieve().onStatus(s -> true, (q, r) -> {})
                .toEntity(String.class), 404, "unknown-model");
        assertProblem(client.get().uri("/v2/models/no-such-model/ready").retrieve().onStatus(s -> true, (q, r) -> {})
                .toEntity(String.class), 404, "unknown-model");
    }

    static ResponseEntity<String> get(RestClient client, String path) {
        return client.get().uri(path).retrieve().onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
    }

    /**
     * 200 with the documented members, each of the documented JSON type, recursively (an array by
     * its first item), and no others.
     */
    static JsonNode assertSameShape(ResponseEntity<String> response, String documented, Set<String> optional) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.getBody());
        List<String> differences = new ArrayList<>();
        shape(JSON.readTree(documented), answer, "", optional, differences);
        assertThat(differences).as(response.getBody()).isEmpty();
        return answer;
    }

    private static void shape(JsonNode documented, JsonNode actual, String at, Set<String> optional, List<String> out) {
        JsonNodeType type = documented.getNodeType();
        if (type != actual.getNodeType()) {
            out.add(at + ": " + actual.getNodeType() + " where the example has " + type);
        } else if (documented instanceof ObjectNode) {
            Set<String> extra = new TreeSet<>(actual.propertyNames());
            for (String name : documented.propertyNames()) {
                extra.remove(name);
                if (actual.has(name)) {
                    shape(documented.get(name), actual.get(name), at + "/" + name, optional, out);
                } else if (!optional.contains(name)) {
                    out.add(at + "/" + name + " is missing");
                }
            }
            extra.forEach(name -> out.add(at + "/" + name + " is not in the example"));
        } else if (documented.isArray() && !documented.isEmpty() && !actual.isEmpty()) {
            shape(documented.get(0), actual.get(0), at + "/0", optional, out);
        }
    }

    static void assertProblem(ResponseEntity<String> response, int status, String slug) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/" + slug);
    }
}
