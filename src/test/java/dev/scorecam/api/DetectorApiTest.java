package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.cam.Box;
import dev.scorecam.cam.Detection;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * The demo detector over HTTP, on the canvas of two garments whose boxes are known
 * (tools/make_detector_fixtures.py): detections in the upload's own pixels, explanations of a
 * detection or a box, synchronous and as a job, and every bad input a problem of its own type.
 */
@ServerTest
class DetectorApiTest {

    static final String DETECTOR = "fashion-detector";
    static final Path FIXTURES = Path.of("src/test/resources/detector");
    static final int TROUSER = 0;
    static final int SNEAKER = 1;

    @Value("${local.server.port}")
    int port;

    @Autowired
    ModelRegistry models;

    static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    /** The fixture's garment boxes, [x0, y0, x1, y1] in two-garments.png's pixels. */
    static double[] garmentBox(int garment) throws IOException {
        JsonNode box = ExplanationApiTest.JSON.readTree(FIXTURES.resolve("two-garments.json").toFile())
                .get("garments").get(garment).get("box");
        return new double[] {box.get(0).asDouble(), box.get(1).asDouble(), box.get(2).asDouble(), box.get(3).asDouble()};
    }

    ResponseEntity<String> detect(String model, byte[] image, Map<String, String> fields) {
        Multipart body = Multipart.image(image, MediaType.IMAGE_PNG_VALUE);
        fields.forEach(body::field);
        return RestClient.create("http://localhost:" + port).post().uri("/v1/models/{model}/detections", model)
                .contentType(ApiClient.MULTIPART).body(body.build()).retrieve()
                .onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
    }

    ResponseEntity<byte[]> explain(String model, byte[] image, MediaType accept, Map<String, String> fields) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        fields.forEach((k, v) -> multi.put(k, List.of(v)));
        return new ApiClient(port).explain(model, image, accept, multi);
    }

    static double[] box(JsonNode box) {
        return new double[] {box.get("x0").asDouble(), box.get("y0").asDouble(), box.get("x1").asDouble(),
                box.get("y1").asDouble()};
    }

    static double iou(double[] a, double[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        double shared = w > 0 && h > 0 ? w * h : 0;
        return shared / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - shared);
    }

    /** The index of the detection of a garment (its class, on its box) in a detections list. */
    static int indexOf(JsonNode detections, int garment, double[] inPixels, int classIndex) {
        for (JsonNode d : detections) {
            if (d.get("classIndex").asInt() == classIndex && iou(box(d.get("box")), inPixels) >= 0.5) {
                return d.get("index").asInt();
            }
        }
        throw new AssertionError("no detection of garment " + garment + " in " + detections);
    }

    /** The sum of a 128x128 map over the pixels whose centre lies in a box of canvas pixels. */
    static double energy(float[] map, double[] box) {
        double sum = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                if (x + 0.5 > box[0] && x + 0.5 < box[2] && y + 0.5 > box[1] && y + 0.5 < box[3]) {
                    sum += map[y * 128 + x];
                }
            }
        }
        return sum;
    }

    @Test
    void theModelsListTheDetectorWithItsTaskAndMethods() {
        JsonNode models = ExplanationApiTest.json(new ApiClient(port).get("/v1/models"));
        assertThat(models.findValuesAsString("name")).contains("fashion-cnn", DETECTOR);
        JsonNode detector = ExplanationApiTest.json(new ApiClient(port).get("/v1/models/" + DETECTOR));
        assertThat(detector.get("task").asString()).isEqualTo("detection");
        assertThat(detector.get("maxDetections").asInt()).isEqualTo(16);
        assertThat(detector.get("methods").valueStream().map(JsonNode::asString))
                .contains("scorecam", "eigencam").doesNotContain("gradcam");
        JsonNode classifier = ExplanationApiTest.json(new ApiClient(port).get("/v1/models/fashion-cnn"));
        assertThat(classifier.get("task").asString()).isEqualTo("classification");
        assertThat(classifier.has("maxDetections")).isFalse();
    }

    /**
     * The wide fixture is the canvas scaled 3x wide and 2x high: under stretch each box the
     * detector gives in its 128x128 input is (3x, 2y) in the upload's pixels. The input-space boxes
     * come from the served detector itself, on the upload prepared as the service prepares it.
     */
    @Test
    void detectionsOfANonSquareUploadAreInItsOwnPixels() throws IOException {
        ServedModel detector = models.find(DETECTOR).orElseThrow();
        ModelInput input = Preprocessor.prepare(new ImageDecoder(1_000_000).decode(fixture("two-garments-wide.png")),
                detector.modelPackage().input());
        List<Detection> inInput = detector.detect(input.chw(), (m, images) -> {});
        JsonNode wide = ExplanationApiTest.json(detect(DETECTOR, fixture("two-garments-wide.png"), Map.of()));

        assertThat(wide.get("width").asInt()).isEqualTo(384);
        assertThat(wide.get("height").asInt()).isEqualTo(256);
        assertThat(wide.get("detections").size()).isEqualTo(inInput.size()).isGreaterThan(0);
        for (int i = 0; i < inInput.size(); i++) {
            Box expected = inInput.get(i).box();
            double[] inUpload = box(wide.get("detections").get(i).get("box"));
            assertThat(inUpload[0]).isCloseTo(3 * expected.x0(), within(0.006));
            assertThat(inUpload[1]).isCloseTo(2 * expected.y0(), within(0.006));
            assertThat(inUpload[2]).isCloseTo(3 * expected.x1(), within(0.006));
            assertThat(inUpload[3]).isCloseTo(2 * expected.y1(), within(0.006));
            assertThat(wide.get("detections").get(i).get("index").asInt()).isEqualTo(i);
            assertThat(wide.get("detections").get(i).get("classIndex").asInt()).isEqualTo(inInput.get(i).classIndex());
        }
        // and they are the garments, in the upload's pixels
        for (int garment : new int[] {TROUSER, SNEAKER}) {
            double[] truth = garmentBox(garment);
            double[] inUpload = {3 * truth[0], 2 * truth[1], 3 * truth[2], 2 * truth[3]};
            indexOf(wide.get("detections"), garment, inUpload, garment == TROUSER ? 1 : 7);
        }
        JsonNode confident = ExplanationApiTest.json(detect(DETECTOR, fixture("two-garments-wide.png"),
                Map.of("min-score", "0.5")));
        assertThat(confident.get("detections").valueStream().map(d -> d.get("score").asDouble()))
                .allMatch(score -> score >= 0.5);
        assertThat(confident.get("detections").size()).isLessThan(inInput.size());
    }

    @Test
    void explainingADetectionLightsItsGarmentAboveTheOther() throws IOException {
        JsonNode detections = ExplanationApiTest.json(detect(DETECTOR, fixture("two-garments.png"), Map.of()))
                .get("detections");
        for (int garment : new int[] {TROUSER, SNEAKER}) {
            int index = indexOf(detections, garment, garmentBox(garment), garment == TROUSER ? 1 : 7);
            JsonNode body = explainDetection(index, Map.of());

            JsonNode explanation = body.get("explanations").get(0);
            assertThat(explanation.get("target").get("index").asInt()).isEqualTo(garment == TROUSER ? 1 : 7);
            assertThat(explanation.get("detection").get("index").asInt()).isEqualTo(index);
            assertThat(box(explanation.get("box"))).containsExactly(box(detections.get(index).get("box")));
            assertThat(body.get("detections").size()).isEqualTo(detections.size());
            assertThat(body.has("predictions")).isFalse();
            assertThat(body.get("boxRule").asString()).isEqualTo("overlap");
            float[] map = ApiClient.decodeFloats(explanation.get("saliency").get("data").asString());
            assertThat(energy(map, garmentBox(garment))).isGreaterThan(1.5 * energy(map, garmentBox(1 - garment)));
            int live = body.get("stats").get("liveChannels").asInt();
            // the input, the baseline, one per live channel, and the detector's pass that found the detection
            assertThat(body.get("stats").get("forwardPasses").asInt()).isEqualTo(live + 3);
        }
    }

    /** The JSON answer explaining detection {@code index} of the two-garment canvas, with more fields. */
    JsonNode explainDetection(int index, Map<String, String> fields) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(fields);
        all.put("detection", Integer.toString(index));
        return ExplanationApiTest.json(explain(DETECTOR, fixture("two-garments.png"), MediaType.APPLICATION_JSON, all));
    }

    /** Recipro-CAM, the page's method for a detector: over HTTP too its map stays in the explained garment's box. */
    @Test
    void reciproCamOfADetectionStaysInItsGarmentsBox() throws IOException {
        JsonNode detections = ExplanationApiTest.json(detect(DETECTOR, fixture("two-garments.png"), Map.of()))
                .get("detections");
        for (int garment : new int[] {TROUSER, SNEAKER}) {
            JsonNode body = explainDetection(indexOf(detections, garment, garmentBox(garment), garment == TROUSER ? 1 : 7),
                    Map.of("method", "recipro-cam"));

            float[] map = ApiClient.decodeFloats(body.get("explanations").get(0).get("saliency").get("data").asString());
            double all = energy(map, new double[] {0, 0, 128, 128});
            assertThat(energy(map, garmentBox(garment))).isGreaterThan(0.5 * all)
                    .isGreaterThan(3 * energy(map, garmentBox(1 - garment)));
            // the detection's pass and the one of the activations; one head pass per cell of the 16 x 16 grid
            assertThat(body.get("stats").get("forwardPasses").asInt()).isEqualTo(2);
            assertThat(body.get("stats").get("headPasses").asInt()).isEqualTo(256);
        }
    }

    /**
     * Finding detection i runs the detector once more than explaining its box as given: the answer
     * and the Prometheus counter both count that pass, as it ran. (A batch size of its own keeps
     * both requests out of the answer cache.)
     */
    @Test
    void theDetectorPassThatFindsADetectionIsCountedInTheAnswerAndTheMetrics() throws IOException {
        byte[] canvas = fixture("two-garments.png");
        JsonNode detections = ExplanationApiTest.json(detect(DETECTOR, canvas, Map.of())).get("detections");
        int index = indexOf(detections, SNEAKER, garmentBox(SNEAKER), 7);
        double[] found = box(detections.get(index).get("box"));
        // the detection's box, inside the 128x128 canvas (a detector's box may reach just past it)
        String box = Math.max(0, found[0]) + "," + Math.max(0, found[1]) + "," + Math.min(128, found[2]) + ","
                + Math.min(128, found[3]);

        double before = forwardPassesCounted();
        JsonNode byDetection = ExplanationApiTest.json(explain(DETECTOR, canvas, MediaType.APPLICATION_JSON,
                Map.of("detection", Integer.toString(index), "batch-size", "13"))).get("stats");
        double afterDetection = forwardPassesCounted();
        JsonNode byBox = ExplanationApiTest.json(explain(DETECTOR, canvas, MediaType.APPLICATION_JSON,
                Map.of("box", box, "target", "7", "batch-size", "13"))).get("stats");
        double afterBox = forwardPassesCounted();

        assertThat(byDetection.get("liveChannels").asInt()).isEqualTo(byBox.get("liveChannels").asInt());
        assertThat(byDetection.get("forwardPasses").asInt()).isEqualTo(byBox.get("forwardPasses").asInt() + 1);
        assertThat(afterDetection - before).isEqualTo(byDetection.get("forwardPasses").asDouble());
        assertThat(afterBox - afterDetection).isEqualTo(byBox.get("forwardPasses").asDouble());
    }

    /** The detector's forward passes in /actuator/prometheus so far. */
    double forwardPassesCounted() {
        String metrics = RestClient.create("http://localhost:" + port).get().uri("/actuator/prometheus").retrieve()
                .body(String.class);
        Matcher value = Pattern.compile("(?m)^scorecam_forward_passes_total\\{model=\"" + DETECTOR + "\"} (\\S+)$")
                .matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    @Test
    void aBoxOfItsOwnIsExplainedWithItsClassAndOutlinedOnThePng() throws IOException {
        double[] sneaker = garmentBox(SNEAKER);
        // The sneaker's box in the wide upload's pixels.
        String box = (3 * sneaker[0]) + "," + (2 * sneaker[1]) + "," + (3 * sneaker[2]) + "," + (2 * sneaker[3]);
        JsonNode body = ExplanationApiTest.json(explain(DETECTOR, fixture("two-garments-wide.png"),
                MediaType.APPLICATION_JSON, Map.of("box", box, "target", "Sneaker", "method", "eigencam")));
        JsonNode explanation = body.get("explanations").get(0);
        assertThat(explanation.get("target").get("label").asString()).isEqualTo("Sneaker");
        assertThat(box(explanation.get("box"))).containsExactly(3 * sneaker[0], 2 * sneaker[1], 3 * sneaker[2],
                2 * sneaker[3]);
        assertThat(explanation.get("detection").get("classIndex").asInt()).isEqualTo(7);

        ResponseEntity<byte[]> png = explain(DETECTOR, fixture("two-garments-wide.png"), MediaType.IMAGE_PNG,
                Map.of("box", box, "target", "7", "method", "eigencam"));
        assertThat(png.getStatusCode().value()).isEqualTo(200);
        assertThat(png.getHeaders().getFirst(ExplanationController.TARGET_HEADER)).isEqualTo("7");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.getBody()));
        assertThat(image.getWidth()).isEqualTo(384);
        // The outline's outer line is white, along the box's edges.
        int left = (int) (3 * sneaker[0]);
        int top = (int) (2 * sneaker[1]);
        int bottom = (int) Math.ceil(2 * sneaker[3]) - 1;
        for (int y = top; y <= bottom; y++) {
            assertThat(image.getRGB(left, y) & 0xFFFFFF).as("row %d of the left edge", y).isEqualTo(0xFFFFFF);
        }
    }

    /**
     * The match rule scores a masked input 0 unless its detection still overlaps the box by IoU
     * 0.5, the overlap rule by score x IoU: the same detection gets another map, and the answer says
     * which rule made it.
     */
    @Test
    void theBoxRuleIsTheRequestsAndSaysWhichMadeTheMap() throws IOException {
        byte[] canvas = fixture("two-garments.png");
        Map<String, float[]> maps = new LinkedHashMap<>();
        for (String rule : new String[] {"overlap", "match"}) {
            JsonNode body = ExplanationApiTest.json(explain(DETECTOR, canvas, MediaType.APPLICATION_JSON,
                    Map.of("detection", "0", "box-rule", rule)));
            assertThat(body.get("boxRule").asString()).isEqualTo(rule);
            assertThat(body.get("explanations").get(0).get("detection").get("index").asInt()).isZero();
            maps.put(rule, ApiClient.decodeFloats(
                    body.get("explanations").get(0).get("saliency").get("data").asString()));
        }
        assertThat(maps.get("match")).isNotEqualTo(maps.get("overlap"));
    }

    @Test
    void aDetectorExplanationRunsAsAJobWithEvents() throws Exception {
        Multipart body = Multipart.image(fixture("two-garments.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", DETECTOR).field("detection", "0").field("progressive", "true");
        ResponseEntity<String> submitted = RestClient.create("http://localhost:" + port).post().uri("/v1/jobs")
                .contentType(ApiClient.MULTIPART).body(body.build()).retrieve()
                .onStatus(s -> true, (q, r) -> {}).toEntity(String.class);
        assertThat(submitted.getStatusCode().value()).isEqualTo(202);
        String id = ExplanationApiTest.json(submitted).get("id").asString();

        HttpResponse<String> events = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs/" + id + "/events"))
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        String stream = events.body().strip();
        assertThat(stream).contains("event:progress").contains("event:partial");
        assertThat(stream.substring(stream.lastIndexOf("event:"))).startsWith("event:status").contains("SUCCEEDED");

        JsonNode result = ExplanationApiTest.json(new ApiClient(port).get("/v1/jobs/" + id + "/result?heatmap=true"));
        JsonNode explanation = result.get("explanations").get(0);
        assertThat(explanation.get("detection").get("index").asInt()).isZero();
        assertThat(Base64.getDecoder().decode(explanation.get("heatmapPng").asString())).isNotEmpty();
        ResponseEntity<byte[]> npy = RestClient.create("http://localhost:" + port).get()
                .uri("/v1/jobs/{id}/result", id).accept(NpyFormat.MEDIA_TYPE).retrieve().toEntity(byte[].class);
        assertThat(npy.getHeaders().getContentType()).isEqualTo(NpyFormat.MEDIA_TYPE);
    }

    @Test
    void faithfulnessOfADetectionReadsItsScore() throws IOException {
        JsonNode body = ExplanationApiTest.json(explain(DETECTOR, fixture("two-garments.png"),
                MediaType.APPLICATION_JSON, Map.of("detection", "0", "method", "eigencam", "metrics", "true",
                        "metrics-steps", "4")));
        JsonNode faithfulness = body.get("explanations").get(0).get("faithfulness");
        assertThat(faithfulness.get("steps").asInt()).isEqualTo(4);
        assertThat(faithfulness.get("averageDrop").asDouble()).isBetween(0.0, 1.0);
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            fashion-detector | box=10,10,40                          | /problems/invalid-box
            fashion-detector | box=a,b,c,d                           | /problems/invalid-box
            fashion-detector | box=40,10,10,40                       | /problems/invalid-box
            fashion-detector | box=10,10,10,40                       | /problems/invalid-box
            fashion-detector | box=10,10,400,40&target=1             | /problems/box-outside-image
            fashion-detector | box=-1,10,40,40&target=1              | /problems/box-outside-image
            fashion-detector | box=10,10,40,40&target=Giraffe        | /problems/unknown-target
            fashion-detector | box=10,10,40,40&target=10             | /problems/unknown-target
            fashion-detector | detection=99                          | /problems/unknown-detection
            fashion-detector | detection=-1                          | /problems/unknown-detection
            fashion-detector | box=10,10,40,40&target=1&detection=0  | /problems/invalid-parameter
            fashion-detector | box=10,10,40,40                       | /problems/invalid-parameter
            fashion-detector | target=1                              | /problems/invalid-parameter
            fashion-detector | top-k=2                               | /problems/invalid-parameter
            fashion-detector | method=gradcam                        | /problems/method-unsupported
            fashion-detector | detection=0&box-rule=iou              | /problems/invalid-parameter
            fashion-cnn      | box=10,10,40,40&target=1              | /problems/not-a-detector
            fashion-cnn      | detection=0                           | /problems/not-a-detector
            fashion-cnn      | box-rule=match                        | /problems/not-a-detector
            """)
    void badInputIsAProblemOfItsOwnType(String model, String fields, String type) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        for (String field : fields.split("&")) {
            String[] pair = field.split("=", 2);
            form.put(pair[0], pair[1]);
        }
        ResponseEntity<byte[]> response = explain(model, fixture("two-garments.png"), MediaType.APPLICATION_JSON, form);
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(ExplanationApiTest.json(response).get("type").asString()).isEqualTo(type);
    }

    @Test
    void askingAClassifierForDetectionsIsAProblem() throws IOException {
        ResponseEntity<String> response = detect("fashion-cnn", fixture("two-garments.png"), Map.of());
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(ExplanationApiTest.json(response).get("type").asString()).isEqualTo("/problems/not-a-detector");
        ResponseEntity<String> badScore = detect(DETECTOR, fixture("two-garments.png"), Map.of("min-score", "2"));
        assertThat(ExplanationApiTest.json(badScore).get("type").asString()).isEqualTo("/problems/invalid-parameter");
    }
}
