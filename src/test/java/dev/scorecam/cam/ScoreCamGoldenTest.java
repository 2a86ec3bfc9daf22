package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Score-CAM through DJL/libtorch against the independent torch reference, on the demo model and
 * the analytic quadrants model.
 *
 * <p>Tolerance: max |difference| <= 1e-5 on the [0,1] map and 1e-6 on the channel weights (the
 * issue asked for 1e-4 on the map; measured: under 7e-7 and 3e-7). The reference runs the model
 * in float64, the service in float32 (libtorch 2.7 here, torch 1.13 there).
 */
class ScoreCamGoldenTest {

    static final double MAP_TOLERANCE = 1e-5;
    static final double WEIGHT_TOLERANCE = 1e-6;
    static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static final ScoreCam SCORE_CAM = new ScoreCam();
    private static final java.util.Map<String, ServedModel> MODELS = new java.util.HashMap<>();

    static Stream<Arguments> cases() {
        return Stream.of("fashion-cnn", "fashion-vit", "quadrants").flatMap(model -> {
            GoldenCase.Manifest manifest = GoldenCase.manifest(GOLDEN.resolve(model));
            return manifest.cases().stream().map(c -> Arguments.of(manifest, c));
        });
    }

    static ServedModel model(GoldenCase.Manifest manifest) {
        return MODELS.computeIfAbsent(manifest.model(), name -> ServedModel.load(
                ModelPackageReader.read(Path.of(manifest.packagePath())), Device.cpu(), 16, 0));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(ServedModel::close);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheReference(GoldenCase.Manifest manifest, GoldenCase golden) {
        ServedModel model = model(manifest);
        Path dir = GOLDEN.resolve(manifest.model());
        float[] expectedMap = GoldenCase.floats(dir.resolve(golden.saliency()));
        float[] expectedWeights = GoldenCase.floats(dir.resolve(golden.weights()));
        // An odd batch size, so that the last batch is a partial one.
        for (int batchSize : new int[] {7, 64}) {
            try (NDManager manager = model.newRequestManager()) {
                float[] input = GoldenCase.floats(dir.resolve(golden.input()));
                NDArray x = manager.create(input, new Shape(1, 3, manifest.inputShape().get(1), manifest.inputShape().get(2)));
                CountingNetwork network = new CountingNetwork(model.network());
                CamResult result = SCORE_CAM.explain(network, x, Targets.of(golden.target()),
                        ScoreKind.parse(golden.score()), batchSize, Progress.NONE);

                assertThat(result.channels()).isEqualTo(manifest.channels());
                assertThat(result.liveChannels()).isEqualTo(golden.liveChannels());
                // The reference's live channels, one pass each, plus the baseline and the input's own.
                assertThat(network.images()).isEqualTo(golden.liveChannels() + 2);
                assertThat(result.forwardPasses()).isEqualTo(network.images());
                Saliency saliency = result.maps().get(0).saliency();
                double mapDifference = maxAbsDifference(saliency.values(), expectedMap);
                double weightDifference = maxAbsDifference(saliency.weights(), expectedWeights);
                System.out.printf("golden %s/%s batch %d: max |map diff| %.2e, max |weight diff| %.2e%n",
                        manifest.model(), golden.name(), batchSize, mapDifference, weightDifference);
                assertThat(mapDifference).as("max |map - reference|, batch %d", batchSize)
                        .isLessThanOrEqualTo(MAP_TOLERANCE);
                assertThat(weightDifference).as("max |alpha - reference|").isLessThanOrEqualTo(WEIGHT_TOLERANCE);
            }
        }
    }

    static double maxAbsDifference(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
        }
        return max;
    }

    static double maxAbsDifference(double[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }
}
