package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.scorecam.ServerTest;

/**
 * The served OpenAPI document is the committed contract, src/main/resources/openapi.yaml: an API change shows up
 * here first, and is made deliberately by updating the contract (and the generated client with
 * it). To accept a change (a slow suite, so Failsafe runs it): {@code ./mvnw verify -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=OpenApiContractTest -Dscorecam.openapi.write=true},
 * then review the diff of src/main/resources/openapi.yaml. The servers are part of it: one relative
 * URL, the server that serves the document.
 */
@ServerTest
class OpenApiContractTest {

    static final Path CONTRACT = Path.of("src", "main", "resources", "openapi.yaml");

    @Value("${local.server.port}")
    int port;

    @Test
    void servedSpecIsTheCommittedContract() throws IOException {
        String served = RestClient.create("http://localhost:" + port).get().uri("/v3/api-docs").retrieve()
                .body(String.class);
        JsonNode actual = JsonMapper.builder().build().readTree(served);
        YAMLMapper yaml = YAMLMapper.builder().build();
        if (Boolean.getBoolean("scorecam.openapi.write")) {
            Files.writeString(CONTRACT, yaml.writeValueAsString(actual));
        }
        JsonNode committed = yaml.readTree(Files.readString(CONTRACT));
        List<String> differences = new ArrayList<>();
        differences(committed, actual, "", differences);
        assertThat(differences)
                .as("the served /v3/api-docs differs from %s; if the change is meant, rewrite it with "
                        + "-Dscorecam.openapi.write=true and commit it", CONTRACT)
                .isEmpty();
    }

    /**
     * Names, places, types and defaults of every operation's parameters stay as first published
     * (src/test/resources/api/parameters.yaml), in whatever order the document lists them: a
     * rewritten contract cannot change them unnoticed.
     */
    @Test
    void everyOperationKeepsItsParametersNamesTypesAndDefaults() throws IOException {
        String served = RestClient.create("http://localhost:" + port).get().uri("/v3/api-docs").retrieve()
                .body(String.class);
        JsonNode paths = JsonMapper.builder().build().readTree(served).get("paths");
        ObjectNode actual = JsonMapper.builder().build().createObjectNode();
        for (JsonNode item : paths) {
            for (JsonNode operation : item) {
                ObjectNode parameters = actual.putObject(operation.get("operationId").asString());
                for (JsonNode parameter : operation.path("parameters")) {
                    JsonNode schema = parameter.get("schema");
                    ObjectNode entry = parameters.putObject(parameter.get("name").asString());
                    entry.set("in", parameter.get("in"));
                    entry.put("required", parameter.path("required").asBoolean(false));
                    entry.set("type", schema.get("type"));
                    for (String key : List.of("format", "default")) {
                        if (schema.has(key)) {
                            entry.set(key, schema.get(key));
                        }
                    }
                    if (schema.has("items")) {
                        entry.set("items", schema.get("items").get("type"));
                    }
                }
            }
        }
        JsonNode published = YAMLMapper.builder().build().readTree(
                Files.readString(Path.of("src", "test", "resources", "api", "parameters.yaml")));
        List<String> differences = new ArrayList<>();
        differences(published, actual, "", differences);
        assertThat(differences).as("parameters that differ from the published contract").isEmpty();
    }

    /** JSON pointers where the two documents differ (objects compared by key, not order). */
    static void differences(JsonNode expected, JsonNode actual, String at, List<String> out) {
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>(expected.propertyNames());
            names.addAll(actual.propertyNames());
            for (String name : names) {
                String path = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!expected.has(name)) {
                    out.add("served only: " + path);
                } else if (!actual.has(name)) {
                    out.add("committed only: " + path);
                } else {
                    differences(expected.get(name), actual.get(name), path, out);
                }
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                differences(expected.get(i), actual.get(i), at + "/" + i, out);
            }
        } else if (!expected.equals(actual)) {
            out.add("changed: " + at + ": " + abbreviate(expected) + " -> " + abbreviate(actual));
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    @Test
    void swaggerUiIsServed() {
        var response = RestClient.create("http://localhost:" + port).get().uri("/swagger-ui/index.html").retrieve()
                .toEntity(String.class);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
    }
}
