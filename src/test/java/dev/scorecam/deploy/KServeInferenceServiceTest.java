package dev.scorecam.deploy;

import static dev.scorecam.deploy.Yamls.at;
import static dev.scorecam.deploy.Yamls.list;
import static dev.scorecam.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.SimpleCommandLinePropertySource;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * deploy/kserve/inferenceservice.yaml against KServe's own InferenceService schema: the
 * v1beta1 openAPIV3Schema of its CRD (kserve/kserve config/crd/full/serving.kserve.io_inferenceservices.yaml),
 * committed without its descriptions by tools/kserve_crd_schema.py (the file's {@code $comment}
 * names the commit). Stricter than the schema alone, as {@code kubectl}'s strict field validation
 * is: a field the schema does not declare is an error, so a misspelt one fails here.
 */
class KServeInferenceServiceTest {

    static final Path EXAMPLE = Path.of("deploy", "kserve", "inferenceservice.yaml");
    static final Path SCHEMA = Path.of("src", "test", "resources", "kserve", "inferenceservice-v1beta1.schema.json");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Object> example = Yamls.read(EXAMPLE);

    static List<Error> validate(Map<String, Object> resource) throws IOException {
        ObjectNode schema = (ObjectNode) JSON.readTree(Files.readString(SCHEMA));
        noUnknownFields(schema);
        Schema validator = SchemaRegistry.withDefaultDialect(KUBERNETES).getSchema(schema);
        return validator.validate(JSON.valueToTree(resource));
    }

    /**
     * OpenAPI 3.0 schemas as Kubernetes reads them: JSON Schema draft 4 with its extensions, which
     * say how the API server merges and prunes (nothing this file's validation needs) and which the
     * validator is told about so that it does not warn of them.
     */
    static final Dialect KUBERNETES = Dialect.builder(Dialects.getDraft4())
            .keywords(List.of("$comment", "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys",
                            "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-preserve-unknown-fields")
                    .stream().map(AnnotationKeyword::new).toList())
            .build();

    /** Every object that declares its properties and neither maps nor keeps unknown fields takes no others. */
    private static void noUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            object.properties().forEach(e -> noUnknownFields(e.getValue()));
        } else if (node.isArray()) {
            node.forEach(KServeInferenceServiceTest::noUnknownFields);
        }
    }

    @Test
    void theSchemaIsKServesCrdForV1beta1() throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(SCHEMA));
        assertThat(schema.get("$comment").asString()).contains("kserve/kserve@").contains("serving.kserve.io_inferenceservices.yaml");
        assertThat(schema.at("/properties/spec/properties/explainer/properties/containers/type").asString()).isEqualTo("array");
        assertThat(schema.at("/properties/spec/required").valueStream().map(JsonNode::asString)).contains("predictor");
    }

    @Test
    void theExampleValidatesAgainstKServesSchema() throws IOException {
        assertThat(example.get("apiVersion")).isEqualTo("serving.kserve.io/v1beta1");
        assertThat(example.get("kind")).isEqualTo("InferenceService");
        assertThat(validate(example)).isEmpty();
    }

    @Test
    void theValidationCatchesWhatKubernetesWouldRefuse() throws IOException {
        Map<String, Object> misspelt = Yamls.read(EXAMPLE);
        map(list(at(misspelt, "spec.explainer.containers")).get(0)).put("imagee", "x");
        Map<String, Object> noPredictor = Yamls.read(EXAMPLE);
        map(noPredictor.get("spec")).remove("predictor");
        Map<String, Object> wrongType = Yamls.read(EXAMPLE);
        map(at(wrongType, "spec.explainer")).put("minReplicas", "one");

        assertThat(where(validate(misspelt))).singleElement().asString().contains("imagee");
        assertThat(where(validate(noPredictor))).singleElement().asString().contains("predictor");
        assertThat(where(validate(wrongType))).singleElement().asString().contains("minReplicas");
    }

    /** Each error with the place in the document it is about. */
    private static List<String> where(List<Error> errors) {
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    @Test
    void theExplainerRunsOurImageProbedThroughTheOpenInferenceProtocol() {
        Map<String, Object> container = map(list(at(example, "spec.explainer.containers")).get(0));

        assertThat((String) container.get("image")).contains("scorecam-server:");
        assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/v2/health/ready");
        assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/v2/health/live");
        assertThat(at(map(list(container.get("ports")).get(0)), "containerPort")).isEqualTo(8080);
        // KServe's path is /v1/models/<InferenceService name>:explain: the name is a served model's.
        assertThat(at(example, "metadata.name")).isEqualTo("fashion-cnn");
    }

    /**
     * KServe appends these to a custom explainer's arguments (pkg/apis/serving/v1beta1/explainer_custom.go);
     * Spring reads them as properties nothing binds, so they change nothing, the port included.
     */
    @Test
    void theArgumentsKServeAppendsAreHarmless() {
        SimpleCommandLinePropertySource arguments = new SimpleCommandLinePropertySource("--model_name", "fashion-cnn",
                "--predictor_host", "fashion-cnn-predictor.default", "--http_port", "8080", "--workers", "4");

        assertThat(arguments.getPropertyNames())
                .containsExactlyInAnyOrder("model_name", "predictor_host", "http_port", "workers");
        assertThat(arguments.getProperty("server.port")).isNull();
    }
}
