package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/** {@code metrics=true} over HTTP on the demo model: the faithfulness per target, its cost, its checks. */
@ServerTest
class FaithfulnessApiTest {

    static final String MODEL = ExplanationApiTest.MODEL;

    @Value("${local.server.port}")
    int port;

    JsonNode explain(Map<String, List<String>> fields) throws Exception {
        ResponseEntity<byte[]> response = new ApiClient(port).explain(MODEL, ExplanationApiTest.sample("sneaker.png"),
                MediaType.APPLICATION_JSON, fields);
        assertThat(response.getStatusCode().value()).as(new String(response.getBody())).isEqualTo(200);
        return ExplanationApiTest.json(response);
    }

    double forwardPassesSoFar() {
        String metrics = RestClient.create("http://localhost:" + port).get().uri("/actuator/prometheus")
                .retrieve().body(String.class);
        Matcher m = Pattern.compile("scorecam_forward_passes_total\\{model=\"" + MODEL + "\"} (\\S+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The job's final status; polls for at most 30 s. */
    String awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String status = ExplanationApiTest.json(new ApiClient(port).get("/v1/jobs/" + id)).get("status").asString();
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) {
                return status;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end in 30 s");
    }

    @Test
    void eachTargetGetsItsFaithfulnessAndTheirPassesAreCounted() throws Exception {
        double before = forwardPassesSoFar();
        JsonNode body = explain(Map.of("metrics", List.of("true"), "top-k", List.of("2")));
        double after = forwardPassesSoFar();

        assertThat(body.get("explanations")).hasSize(2);
        for (JsonNode explanation : body.get("explanations")) {
            JsonNode f = explanation.get("faithfulness");
            assertThat(f.get("steps").asInt()).isEqualTo(20);
            assertThat(f.get("averageDrop").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.get("increase").isBoolean()).isTrue();
            assertThat(f.get("deletion").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.get("insertion").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.get("deletionBaseline").asString()).startsWith("zero");
            assertThat(f.get("insertionBaseline").asString()).startsWith("gaussian blur");
            // Both curves, 21 points each; their areas are the AUCs the answer reports.
            double[] fractions = doubles(f.get("fractions"));
            assertThat(fractions).hasSize(21).startsWith(0.0).endsWith(1.0);
            assertThat(doubles(f.get("deletionCurve"))).hasSize(21);
            assertThat(doubles(f.get("insertionCurve"))).hasSize(21);
            assertThat(trapezoid(fractions, doubles(f.get("deletionCurve"))))
                    .isCloseTo(f.get("deletion").asDouble(), within(1e-12));
            assertThat(trapezoid(fractions, doubles(f.get("insertionCurve"))))
                    .isCloseTo(f.get("insertion").asDouble(), within(1e-12));
        }
        JsonNode stats = body.get("stats");
        // The network's own counter saw both: the explanation's passes and the faithfulness's.
        assertThat(after - before)
                .isEqualTo(stats.get("forwardPasses").asDouble() + stats.get("faithfulnessForwardPasses").asDouble());
        // The input once, then per target the masked input and 20 deletion and 20 insertion images.
        assertThat(stats.get("faithfulnessForwardPasses").asInt()).isEqualTo(1 + 2 * (1 + 2 * 20));
        assertThat(stats.get("faithfulnessMillis").isNumber()).isTrue();
    }

    static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    /**
     * The service's map of samples/sneaker.png is the Score-CAM golden's within 7e-7, so its
     * faithfulness is the float64 reference's of that map (src/test/resources/golden/faithfulness):
     * every point of both curves within 1e-4 (measured: under 1e-6), the fractions exactly.
     */
    @Test
    void theSneakersFaithfulnessIsTheReferences() throws Exception {
        JsonNode golden = ExplanationApiTest.JSON.readTree(new File("src/test/resources/golden/faithfulness/manifest.json"))
                .get("cases").get(0);
        assertThat(golden.get("name").asString()).isEqualTo("sneaker-true-logit-20");

        JsonNode f = explain(Map.of("metrics", List.of("true"), "target", List.of("7")))
                .get("explanations").get(0).get("faithfulness");

        for (String metric : List.of("averageDrop", "deletion", "insertion")) {
            assertThat(f.get(metric).asDouble()).as(metric).isCloseTo(golden.get(metric).asDouble(), within(1e-4));
        }
        assertThat(f.get("increase").asBoolean()).isEqualTo(golden.get("increase").asBoolean());
        assertThat(doubles(f.get("fractions"))).containsExactly(doubles(golden.get("fractions")));
        for (String curve : List.of("deletionCurve", "insertionCurve")) {
            double[] expected = doubles(golden.get(curve));
            double[] actual = doubles(f.get(curve));
            assertThat(actual).as(curve).hasSameSizeAs(expected);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            }
            assertThat(worst).as("max |service - reference| over " + curve).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void withoutMetricsThereIsNoFaithfulnessAndNoCost() throws Exception {
        JsonNode body = explain(Map.of());

        assertThat(body.get("explanations").get(0).has("faithfulness")).isFalse();
        assertThat(body.get("stats").has("faithfulnessForwardPasses")).isFalse();
        assertThat(body.get("stats").has("faithfulnessMillis")).isFalse();
    }

    @Test
    void aPngAnswerHasNowhereToShowTheMetricsSoTheyAreNotMeasured() throws Exception {
        int explanationPasses = explain(Map.of()).get("stats").get("forwardPasses").asInt();
        double before = forwardPassesSoFar();
        ResponseEntity<byte[]> png = new ApiClient(port).explain(MODEL, ExplanationApiTest.sample("sneaker.png"),
                MediaType.IMAGE_PNG, Map.of("metrics", List.of("true")));
        double after = forwardPassesSoFar();

        assertThat(png.getStatusCode().value()).isEqualTo(200);
        assertThat(after - before).isEqualTo(explanationPasses);
    }

    @Test
    void stepsOutsideTheirBoundsAreAnInvalidParameter() throws Exception {
        for (String steps : List.of("0", "257", "many")) {
            ResponseEntity<byte[]> response = new ApiClient(port).explain(MODEL, ExplanationApiTest.sample("sneaker.png"),
                    MediaType.APPLICATION_JSON, Map.of("metrics", List.of("true"), "metrics-steps", List.of(steps)));
            assertThat(response.getStatusCode().value()).as(steps).isEqualTo(400);
            assertThat(ExplanationApiTest.json(response).get("type").asString()).isEqualTo("/problems/invalid-parameter");
        }
    }

    @Test
    void anAsynchronousJobKeepsTheFaithfulnessForItsResult() throws Exception {
        Multipart upload = Multipart.image(ExplanationApiTest.sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", MODEL).field("metrics", "true").field("metrics-steps", "5");
        ResponseEntity<String> submitted = RestClient.create("http://localhost:" + port).post().uri("/v1/jobs")
                .contentType(ApiClient.MULTIPART).body(upload.build()).retrieve().toEntity(String.class);
        String id = ExplanationApiTest.json(submitted).get("id").asString();

        assertThat(awaitEnd(id)).isEqualTo("SUCCEEDED");

        JsonNode result = ExplanationApiTest.json(new ApiClient(port).get("/v1/jobs/" + id + "/result"));
        JsonNode f = result.get("explanations").get(0).get("faithfulness");
        assertThat(f.get("steps").asInt()).isEqualTo(5);
        assertThat(f.get("deletionCurve")).hasSize(6);
        assertThat(f.get("insertionCurve")).hasSize(6);
        assertThat(result.get("stats").get("faithfulnessForwardPasses").asInt()).isEqualTo(1 + 1 + 2 * 5);
    }
}
