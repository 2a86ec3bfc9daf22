package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.ProblemDetail;

import dev.scorecam.problem.ProblemType;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The catalogue of problem types is what the contract (openapi.yaml) and docs/api.md say,
 * type by type; no server needed, the served document is compared with the committed one in
 * {@link OpenApiContractTest}.
 */
class ProblemCatalogueTest {

    static final String EXAMPLES = "#/components/examples/";

    /** The committed contract's example of each problem type, by slug. */
    static Map<String, JsonNode> documentedExamples() throws IOException {
        JsonNode contract = YAMLMapper.builder().build().readTree(Files.readString(OpenApiContractTest.CONTRACT));
        Map<String, JsonNode> examples = new LinkedHashMap<>();
        contract.get("components").get("examples").properties()
                .forEach(entry -> examples.put(entry.getKey(), entry.getValue().get("value")));
        return examples;
    }

    @ParameterizedTest
    @EnumSource(value = ProblemType.class, mode = EnumSource.Mode.EXCLUDE, names = "METHOD_NOT_ALLOWED")
    void everyTypeIsDocumentedWithItsExample(ProblemType type) throws IOException {
        JsonNode example = documentedExamples().get(type.slug());

        assertThat(example).as("components/examples/%s in %s", type.slug(), OpenApiContractTest.CONTRACT).isNotNull();
        assertThat(example.get("type").asString()).isEqualTo("/problems/" + type.slug());
        assertThat(example.get("title").asString()).isEqualTo(type.title());
        assertThat(example.get("status").asInt()).isEqualTo(type.status());
        assertThat(example.get("detail").asString()).isEqualTo(ProblemExamples.of(type).getDetail());
    }

    /** All but method-not-allowed, which answers an operation that does not exist (a linter flags unused examples). */
    @Test
    void everyDocumentedExampleIsACatalogueType() throws IOException {
        assertThat(ApiDocumentation.NO_OPERATION_ANSWERS).containsExactly(ProblemType.METHOD_NOT_ALLOWED);
        assertThat(documentedExamples().keySet()).containsExactlyElementsOf(Arrays.stream(ProblemType.values())
                .filter(type -> !ApiDocumentation.NO_OPERATION_ANSWERS.contains(type)).map(ProblemType::slug).toList());
    }

    /** Spring's own exceptions carry their status; the catalogue must agree with it. */
    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void everyExampleHasItsTypesStatusAndTitle(ProblemType type) {
        ProblemDetail example = ProblemExamples.of(type);

        assertThat(example.getType()).hasToString("/problems/" + type.slug());
        assertThat(example.getStatus()).isEqualTo(type.status());
        assertThat(example.getTitle()).isEqualTo(type.title());
        assertThat(example.getDetail()).isNotBlank().doesNotContain("Exception").doesNotContain("dev.scorecam");
    }

    /** An operation's problem responses refer to the catalogue's examples, under their own status. */
    @Test
    void operationsAnswerEachProblemUnderItsStatus() throws IOException {
        JsonNode paths = YAMLMapper.builder().build().readTree(Files.readString(OpenApiContractTest.CONTRACT)).get("paths");
        List<String> misplaced = new ArrayList<>();
        int references = 0;
        for (var path : paths.properties()) {
            for (var operation : path.getValue().properties()) {
                for (var response : operation.getValue().get("responses").properties()) {
                    JsonNode problems = response.getValue().path("content").path(ApiDocumentation.PROBLEM_JSON).path("examples");
                    for (var example : problems.properties()) {
                        String slug = example.getValue().get("$ref").asString().substring(EXAMPLES.length());
                        ProblemType type = ProblemType.ofSlug(slug).orElseThrow();
                        references++;
                        if (!example.getKey().equals(slug) || !response.getKey().equals(Integer.toString(type.status()))) {
                            misplaced.add(operation.getKey() + " " + path.getKey() + " " + response.getKey() + " " + slug);
                        }
                    }
                }
            }
        }
        assertThat(references).isGreaterThan(20);
        assertThat(misplaced).isEmpty();
    }

    @Test
    void slugsAreUniqueAndEveryStatusIsAnError() {
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::slug)).doesNotHaveDuplicates()
                .allMatch(slug -> slug.matches("[a-z]+(-[a-z]+)*"));
        assertThat(ProblemType.values()).allMatch(type -> type.status() >= 400 && type.status() < 600);
    }

    /** docs/api.md's table of errors: one row per type, in the catalogue's order, with its status and title. */
    @Test
    void theDocsTableListsTheCatalogue() throws IOException {
        String docs = Files.readString(Path.of("docs", "api.md"));
        Matcher row = Pattern.compile("^\\| (\\d{3}) \\| `/problems/([a-z-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE).matcher(docs);
        List<String> documented = new ArrayList<>();
        while (row.find()) {
            documented.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
        }
        assertThat(documented).containsExactlyElementsOf(
                Arrays.stream(ProblemType.values()).map(type -> type.status() + " " + type.slug() + " " + type.title()).toList());
    }
}
