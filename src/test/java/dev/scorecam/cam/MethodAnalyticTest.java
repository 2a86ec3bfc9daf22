package dev.scorecam.cam;

import static dev.scorecam.cam.ScoreCamAnalyticTest.SIZE;
import static dev.scorecam.cam.ScoreCamAnalyticTest.inkIn;
import static dev.scorecam.cam.ScoreCamAnalyticTest.quadrantOf;
import static dev.scorecam.cam.ScoreCamAnalyticTest.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Every method on the hand-built quadrants model (see {@link ScoreCamAnalyticTest}), where the
 * answer is known: the map of class c lights quadrant c; the passes are counted on the network.
 */
class MethodAnalyticTest {

    static ServedModel model;

    @BeforeAll
    static void load() {
        model = ServedModel.load(ModelPackageReader.read(Path.of("src/test/resources/models/quadrants")),
                Device.cpu(), 5, 0);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    record Run(CamResult result, CountingNetwork network) {}

    static Run explain(CamMethod method, float[] chw, Targets targets, int batchSize) {
        CountingNetwork network = new CountingNetwork(model.network());
        try (NDManager manager = model.newRequestManager()) {
            NDArray x = manager.create(chw, new Shape(1, 3, SIZE, SIZE));
            return new Run(method.explain(network, x, targets, ScoreKind.LOGIT, batchSize, Progress.NONE), network);
        }
    }

    static CamMethod method(String name, Map<String, Number> parameters) {
        return MethodCatalogue.choose(MethodCatalogue.find(name).orElseThrow(), MethodCatalogueTest.given(parameters)).cam();
    }

    /** Every method of the catalogue with its default parameters. */
    static Stream<String> methods() {
        return MethodCatalogue.names().stream();
    }

    static Stream<Arguments> methodsAndQuadrants() {
        return methods().flatMap(m -> Stream.of(0, 1, 2, 3).map(q -> Arguments.of(m, q)));
    }

    static Stream<Arguments> scoreFamilyAndQuadrants() {
        return methods().filter(m -> !m.startsWith("gradcam")).flatMap(m -> Stream.of(0, 1, 2, 3).map(q -> Arguments.of(m, q)));
    }

    /** The image inked in quadrant q only: every method must light that quadrant for class q. */
    @ParameterizedTest(name = "{0}, ink and class {1}")
    @MethodSource("methodsAndQuadrants")
    void lightsTheInkedQuadrantOfItsClass(String name, int quadrant) {
        Saliency map = explain(method(name, Map.of()), inkIn(quadrant), Targets.of(quadrant), 16)
                .result().maps().get(0).saliency();
        assertLights(map, quadrant);
    }

    /**
     * The all-ones image: only what the class reads tells the quadrants apart. The Score-CAM family
     * must light quadrant c for class c (SS-CAM with its default noise, sigma 2 on a [0,1] mask).
     */
    @ParameterizedTest(name = "{0}, class {1}")
    @MethodSource("scoreFamilyAndQuadrants")
    void theScoreCamFamilyLightsTheQuadrantTheClassReads(String name, int quadrant) {
        Saliency map = explain(method(name, Map.of()), uniform(1f), Targets.of(quadrant), 16)
                .result().maps().get(0).saliency();
        assertLights(map, quadrant);
    }

    /**
     * On the all-ones image every channel reaches the head alike: dy^c/dA^k_ij = 1 on the 4 cells
     * of quadrant c for every k. So Grad-CAM weighs every channel 4/16, and Grad-CAM++ (alpha =
     * 1/(2 + sum A^k)) 4 x 1/5 for the cell channels (sum 3), 4/18 for the constant one (sum 16) and
     * 4 x 1/2 for the zero one: the map cannot tell the quadrants apart. Grad-CAM's known blindness
     * to where in a channel the gradient comes from, and why Score-CAM exists.
     */
    @Test
    void theGradientWeightsOnAUniformImageAreThoseOfTheAlgebra() {
        double[] gradCam = explain(new GradCam(), uniform(1f), Targets.of(2), 16).result().maps().get(0)
                .saliency().weights();
        assertThat(gradCam).containsOnly(0.25);
        double[] plusPlus = explain(new GradCamPlusPlus(), uniform(1f), Targets.of(2), 16).result().maps()
                .get(0).saliency().weights();
        for (int k = 0; k < 16; k++) {
            assertThat(plusPlus[k]).isCloseTo(0.8, Offset.offset(1e-12));
        }
        assertThat(plusPlus[16]).isCloseTo(4.0 / 18, Offset.offset(1e-12));
        assertThat(plusPlus[17]).isCloseTo(2.0, Offset.offset(1e-12));
    }

    /**
     * Passes counted on the network for the all-ones image, whose 16 cell channels are live and 2
     * constant: each method's cost by its construction, and what the result reports must be the count.
     */
    @Test
    void eachMethodRunsThePassesItsConstructionCalls() {
        assertPasses(new ScoreCam(), 16 + 2, 0);
        assertPasses(new FasterScoreCam(5), 5 + 2, 0);
        assertPasses(new FasterScoreCam(18), 16 + 2, 0);    // the 2 constant channels cost no pass
        assertPasses(new SmoothedScoreCam(3, 0.5, 1), 3 * 16 + 2, 0);
        assertPasses(new IntegratedScoreCam(4), 4 * 16 + 2, 0);
        assertPasses(new GradCam(), 1, 1);
        assertPasses(new GradCamPlusPlus(), 1, 1);
    }

    private static void assertPasses(CamMethod method, int forward, int backward) {
        Run run = explain(method, uniform(1f), Targets.of(0), 7);
        assertThat(run.network().images()).as("forward images of %s", method).isEqualTo(forward);
        assertThat(run.network().backwardImages()).as("backward images of %s", method).isEqualTo(backward);
        assertThat(run.result().forwardPasses()).isEqualTo(run.network().images());
        assertThat(run.result().backwardPasses()).isEqualTo(run.network().backwardImages());
    }

    @Test
    void gradientsOfSeveralTargetsTakeOneBackwardCall() {
        Run run = explain(new GradCam(), inkIn(1), Targets.of(1, 0, 1), 16);
        assertThat(run.network().backwardCalls()).isEqualTo(1);
        assertThat(run.network().backwardImages()).isEqualTo(2);   // classes 1 and 0
        assertThat(run.network().images()).isEqualTo(1);
        assertThat(run.result().maps()).extracting(m -> m.target().classIndex()).containsExactly(1, 0, 1);
        assertThat(run.result().maps().get(0).saliency().values())
                .containsExactly(run.result().maps().get(2).saliency().values());
    }

    @Test
    void fasterScoreCamOverEveryChannelIsScoreCam() {
        Saliency exact = explain(new ScoreCam(), inkIn(2), Targets.of(2), 16).result().maps().get(0).saliency();
        Saliency faster = explain(new FasterScoreCam(18), inkIn(2), Targets.of(2), 16).result().maps().get(0)
                .saliency();
        assertThat(ScoreCamGoldenTest.maxAbsDifference(faster.values(), exact.values())).isLessThanOrEqualTo(1e-6);
    }

    /** SS-CAM draws its noise from the request's seed: the same request gives the same map, at any batch size. */
    @Test
    void smoothedScoreCamIsSeeded() {
        float[] first = sscam(7, 16);
        assertThat(sscam(7, 16)).containsExactly(first);
        assertThat(ScoreCamGoldenTest.maxAbsDifference(sscam(7, 5), first)).isLessThanOrEqualTo(1e-6);
        assertThat(ScoreCamGoldenTest.maxAbsDifference(sscam(8, 16), first)).isGreaterThan(1e-4);
    }

    private static float[] sscam(long seed, int batchSize) {
        return explain(new SmoothedScoreCam(4, 2.0, seed), uniform(1f), Targets.of(1), batchSize)
                .result().maps().get(0).saliency().values();
    }

    static void assertLights(Saliency map, int quadrant) {
        double inside = 0;
        double outside = 0;
        int peak = 0;
        for (int i = 0; i < map.values().length; i++) {
            if (quadrantOf(i % SIZE, i / SIZE) == quadrant) {
                inside += map.values()[i];
            } else {
                outside += map.values()[i];
            }
            if (map.values()[i] > map.values()[peak]) {
                peak = i;
            }
        }
        int pixelsPerQuadrant = SIZE * SIZE / 4;
        assertThat(map.allZero()).isFalse();
        assertThat(quadrantOf(peak % SIZE, peak / SIZE)).as("quadrant of the peak").isEqualTo(quadrant);
        assertThat(inside / pixelsPerQuadrant).as("mean inside").isGreaterThan(0.5);
        assertThat(outside / (3 * pixelsPerQuadrant)).as("mean outside").isLessThan(0.1);
    }
}
