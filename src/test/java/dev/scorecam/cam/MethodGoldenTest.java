package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Score-CAM's channel weightings, Faster Score-CAM, SS-CAM, IS-CAM, Grad-CAM, Grad-CAM++, Eigen-CAM,
 * Ablation-CAM, Recipro-CAM, LayerCAM and HiResCAM through DJL/libtorch against the independent float64 references of
 * tools/cam_reference.py (goldens by tools/make_method_goldens.py), on the demo model and the
 * analytic quadrants model, at two batch sizes.
 *
 * <p>Tolerances: max |difference| <= 1e-5 on the [0,1] map; on the weights <= 1e-6 for the
 * softmax weights of the Score-CAM family and <= 1e-5 x max(1, max |w|) for the others' weights
 * (gradients, relative drops, principal directions, cell scores), which are not bounded by 1.
 * Measured maxima are printed by the test (see the report). The passes must be the reference's
 * own count (forward, backward and head-only images), and the result must report what the
 * network counted.
 */
class MethodGoldenTest {

    static final double MAP_TOLERANCE = 1e-5;
    static final double SOFTMAX_WEIGHT_TOLERANCE = 1e-6;
    static final double GRADIENT_WEIGHT_TOLERANCE = 1e-5;
    /** The methods whose weights are a softmax, within [0,1]; the others' are not bounded. */
    static final Set<String> SOFTMAX_WEIGHTED = Set.of("faster-scorecam", "sscam", "iscam");

    record Case(String name, String method, Map<String, Object> parameters, String input, int target, String score,
            String saliency, String weights, int forwardPasses, int backwardPasses, Integer headPasses,
            int liveChannels, boolean allZero) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Manifest(String model, @JsonProperty("package") String packagePath, List<Case> cases) {}

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Map<String, ServedModel> MODELS = new HashMap<>();

    static Stream<Arguments> cases() {
        return Stream.of("fashion-cnn", "fashion-vit", "quadrants").flatMap(model -> {
            Manifest manifest = JSON.readValue(
                    ScoreCamGoldenTest.GOLDEN.resolve(model).resolve("methods.json").toFile(), Manifest.class);
            return manifest.cases().stream().map(c -> Arguments.of(manifest, c));
        });
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(ServedModel::close);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheReference(Manifest manifest, Case golden) {
        ServedModel model = MODELS.computeIfAbsent(manifest.model(), name -> ServedModel.load(
                ModelPackageReader.read(Path.of(manifest.packagePath())), Device.cpu(), 16, 0));
        Path dir = ScoreCamGoldenTest.GOLDEN.resolve(manifest.model());
        CamMethod method = MethodCatalogue.choose(MethodCatalogue.find(golden.method()).orElseThrow(),
                MethodCatalogueTest.given(golden.parameters())).cam();
        float[] expectedMap = GoldenCase.floats(dir.resolve(golden.saliency()));
        float[] expectedWeights = GoldenCase.floats(dir.resolve(golden.weights()));
        float[] input = GoldenCase.floats(dir.resolve(golden.input()));
        int side = (int) Math.round(Math.sqrt(input.length / 3.0));
        boolean softmax = SOFTMAX_WEIGHTED.contains(golden.method());
        for (int batchSize : new int[] {7, 64}) {
            try (NDManager manager = model.newRequestManager()) {
                NDArray x = manager.create(input, new Shape(1, 3, side, side));
                CountingNetwork network = new CountingNetwork(model.network());
                CamResult result = method.explain(network, x, Targets.of(golden.target()),
                        ScoreKind.parse(golden.score()), batchSize, Progress.NONE);

                assertThat(network.images()).as("forward images").isEqualTo(golden.forwardPasses());
                assertThat(network.backwardImages()).as("backward images").isEqualTo(golden.backwardPasses());
                assertThat(network.headOnlyImages()).as("images rescored through head alone")
                        .isEqualTo(golden.headPasses() == null ? 0 : golden.headPasses());
                assertThat(result.forwardPasses()).isEqualTo(network.images());
                assertThat(result.backwardPasses()).isEqualTo(network.backwardImages());
                assertThat(result.headPasses()).isEqualTo(network.headOnlyImages());
                assertThat(result.liveChannels()).isEqualTo(golden.liveChannels());
                Saliency saliency = result.maps().get(0).saliency();
                assertThat(saliency.allZero()).isEqualTo(golden.allZero());
                double mapDifference = ScoreCamGoldenTest.maxAbsDifference(saliency.values(), expectedMap);
                double weightDifference = ScoreCamGoldenTest.maxAbsDifference(saliency.weights(), expectedWeights);
                double weightTolerance = softmax
                        ? SOFTMAX_WEIGHT_TOLERANCE
                        : GRADIENT_WEIGHT_TOLERANCE * Math.max(1, maxAbs(expectedWeights));
                System.out.printf("golden %s/%s batch %d: max |map diff| %.2e, max |weight diff| %.2e%n",
                        manifest.model(), golden.name(), batchSize, mapDifference, weightDifference);
                assertThat(mapDifference).as("max |map - reference|, batch %d", batchSize)
                        .isLessThanOrEqualTo(MAP_TOLERANCE);
                assertThat(weightDifference).as("max |w - reference|").isLessThanOrEqualTo(weightTolerance);
            }
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
