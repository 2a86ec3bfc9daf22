package dev.scorecam.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What an IDE completes for {@code scorecam.*}: the metadata spring-boot-configuration-processor
 * writes at compile time from the properties records, each property with the description of its
 * {@code @param} and its {@code @DefaultValue}.
 */
class ConfigurationMetadataTest {

    static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

    static Map<String, JsonNode> scorecamProperties() throws IOException {
        JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            if (name.startsWith("scorecam.")) {
                properties.put(name, property);
            }
        }
        return properties;
    }

    @Test
    void everyPropertyHasADescription() throws IOException {
        Map<String, JsonNode> properties = scorecamProperties();
        List<String> undescribed = new ArrayList<>();
        properties.forEach((name, property) -> {
            String description = property.path("description").asString("");
            // "File lines ...": the tail of a longer @param name (apiKeysFile for apiKeys) that the
            // processor matched instead; descriptions here start in lower case or with an acronym.
            if (description.isBlank() || description.matches("[A-Z][a-z].*")) {
                undescribed.add(name + ": '" + description + "'");
            }
        });

        assertThat(properties).hasSizeGreaterThan(30);
        assertThat(undescribed).as("add an @param to the properties record's Javadoc").isEmpty();
    }

    @Test
    void defaultsAreTheRecordsDefaultValues() throws IOException {
        Map<String, JsonNode> properties = scorecamProperties();

        assertThat(properties.get("scorecam.queue.capacity").get("defaultValue").asInt()).isEqualTo(64);
        assertThat(properties.get("scorecam.request-timeout").get("defaultValue").asString()).isEqualTo("60s");
        assertThat(properties.get("scorecam.security.mode").get("defaultValue").asString()).isEqualTo("none");
        assertThat(properties.get("scorecam.queue.backend").get("defaultValue").asString()).isEqualTo("memory");
    }

    /** application.yml sets only properties that exist: a misspelt key there would be ignored silently. */
    @Test
    void everyScorecamKeyOfApplicationYmlIsAProperty() throws IOException {
        JsonNode yml = YAMLMapper.builder().build().readTree(Files.readString(Path.of("src", "main", "resources", "application.yml")));
        List<String> keys = new ArrayList<>();
        leaves(yml.get("scorecam"), "scorecam", keys);
        Map<String, JsonNode> properties = scorecamProperties();

        assertThat(keys).hasSizeGreaterThan(20);
        assertThat(keys).allSatisfy(key -> assertThat(properties).containsKey(key));
    }

    private static void leaves(JsonNode node, String at, List<String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(entry -> leaves(entry.getValue(), at + "." + entry.getKey(), out));
        } else {
            out.add(at);
        }
    }
}
