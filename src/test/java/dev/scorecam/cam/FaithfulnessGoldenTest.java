package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Faithfulness through DJL/libtorch against the independent float64 reference
 * (tools/faithfulness_reference.py, goldens by tools/make_faithfulness_goldens.py), on the
 * Score-CAM goldens' inputs and maps of the demo model and the analytic quadrants model.
 *
 * <p>Tolerance: 1e-5 absolute on every probability, both curves, drop and both AUCs (measured:
 * under 6e-7); the increase verdict must agree exactly (the goldens' O and Y differ by 2.7e-3 at
 * least). The reference runs the model in float64, the service in float32.
 */
class FaithfulnessGoldenTest {

    static final double TOLERANCE = 1e-5;
    static final Path GOLDEN = Path.of("src/test/resources/golden");

    record Case(String name, @JsonProperty("package") String packagePath, String input, String saliency,
            List<Integer> inputShape, int target, int steps, double score, double maskedScore, double averageDrop,
            boolean increase, double deletion, double insertion, double[] deletionCurve, double[] insertionCurve) {

        @Override
        public String toString() {
            return name;
        }
    }

    record Manifest(List<Case> cases) {}

    private static final Faithfulness FAITHFULNESS = new Faithfulness();
    private static final Map<String, ServedModel> MODELS = new HashMap<>();

    static Stream<Case> cases() {
        JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        return json.readValue(GOLDEN.resolve("faithfulness/manifest.json").toFile(), Manifest.class).cases().stream();
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(ServedModel::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(Case golden) {
        ServedModel model = MODELS.computeIfAbsent(golden.packagePath(),
                p -> ServedModel.load(ModelPackageReader.read(Path.of(p)), Device.cpu(), 16, 0));
        int height = golden.inputShape().get(1);
        int width = golden.inputShape().get(2);
        float[] input = GoldenCase.floats(GOLDEN.resolve(golden.input()));
        float[] map = GoldenCase.floats(GOLDEN.resolve(golden.saliency()));
        TargetMap explanation = new TargetMap(new ClassTarget(golden.target(), ScoreKind.PROBABILITY),
                new Saliency(width, height, map, false, new double[0]));
        // An odd batch size, so that the last batch is a partial one.
        for (int batchSize : new int[] {5, 64}) {
            try (NDManager manager = model.newRequestManager()) {
                NDArray x = manager.create(input, new Shape(1, 3, height, width));
                CountingNetwork network = new CountingNetwork(model.network());
                FaithfulnessResult result = FAITHFULNESS.measure(network, x, List.of(explanation), golden.steps(),
                        batchSize, Progress.NONE);

                // X once, then X ⊙ L, deletion steps 1..n and insertion steps 0..n-1.
                assertThat(network.images()).isEqualTo(2 + 2 * golden.steps());
                assertThat(result.forwardPasses()).isEqualTo(network.images());
                ClassFaithfulness actual = result.classes().get(0);
                double difference = maxDifference(golden, actual);
                System.out.printf("faithfulness golden %s batch %d: max |diff| %.2e%n", golden, batchSize, difference);
                assertThat(difference).as("max |Java - reference|").isLessThanOrEqualTo(TOLERANCE);
                assertThat(actual.increase()).isEqualTo(golden.increase());
                assertThat(actual.steps()).isEqualTo(golden.steps());
            }
        }
    }

    private static double maxDifference(Case golden, ClassFaithfulness actual) {
        double max = 0;
        double[][] pairs = {
            {golden.score(), actual.score()}, {golden.maskedScore(), actual.maskedScore()},
            {golden.averageDrop(), actual.averageDrop()}, {golden.deletion(), actual.deletion()},
            {golden.insertion(), actual.insertion()}};
        for (double[] pair : pairs) {
            max = Math.max(max, Math.abs(pair[0] - pair[1]));
        }
        assertThat(actual.deletionCurve()).hasSameSizeAs(golden.deletionCurve());
        assertThat(actual.insertionCurve()).hasSameSizeAs(golden.insertionCurve());
        for (int i = 0; i < golden.deletionCurve().length; i++) {
            max = Math.max(max, Math.abs(golden.deletionCurve()[i] - actual.deletionCurve()[i]));
            max = Math.max(max, Math.abs(golden.insertionCurve()[i] - actual.insertionCurve()[i]));
        }
        return max;
    }
}
