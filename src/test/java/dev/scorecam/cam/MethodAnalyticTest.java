package dev.scorecam.cam;

import static dev.scorecam.cam.ScoreCamAnalyticTest.SIZE;
import static dev.scorecam.cam.ScoreCamAnalyticTest.inkIn;
import static dev.scorecam.cam.ScoreCamAnalyticTest.quadrantOf;
import static dev.scorecam.cam.ScoreCamAnalyticTest.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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

    static CamMethod method(String name, Map<String, ?> parameters) {
        return MethodCatalogue.choose(MethodCatalogue.find(name).orElseThrow(), MethodCatalogueTest.given(parameters)).cam();
    }

    /** Every method of the catalogue with its default parameters. */
    static Stream<String> methods() {
        return MethodCatalogue.names().stream();
    }

    /** Eigen-CAM reads no class: its analytic check is {@link #eigenCamFindsTheOneInkedCell}. */
    static Stream<Arguments> methodsAndQuadrants() {
        return methods().filter(m -> !m.equals("eigencam"))
                .flatMap(m -> Stream.of(0, 1, 2, 3).map(q -> Arguments.of(m, q)));
    }

    /**
     * Grad-CAM and Grad-CAM++ average each channel's gradient, and Eigen-CAM reads no class: blind on
     * a uniform image. Recipro-CAM's 3x3 kernel gives the cells beside quadrant c a third of its
     * cells' score there, by construction: {@link #reciproCellScoresAreTheKernelMassInsideTheQuadrant}.
     */
    static Stream<Arguments> whereReadingMethodsAndQuadrants() {
        return methods().filter(m -> !Set.of("gradcam", "gradcam++", "eigencam", "recipro-cam").contains(m))
                .flatMap(m -> Stream.of(0, 1, 2, 3).map(q -> Arguments.of(m, q)));
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
     * must light quadrant c for class c (SS-CAM with its default noise, sigma 2 on a [0,1] mask), and
     * so must the methods that weigh each cell (LayerCAM, HiResCAM: the gradient is 1 on quadrant
     * c's cells only; Recipro-CAM: a cell's kernel mass inside quadrant c) or ablate each channel
     * (Ablation-CAM: only quadrant c's cell channels and the constant one lower the score). So do
 * LayerCAM and HiResCAM, which weigh each cell by its gradient: 1 on quadrant c's cells only.
     */
    @ParameterizedTest(name = "{0}, class {1}")
    @MethodSource("whereReadingMethodsAndQuadrants")
    void lightsTheQuadrantTheClassReadsOnAUniformImage(String name, int quadrant) {
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
        assertPasses(new EigenCam(), 1, 0);
        assertPasses(new LayerCam(), 1, 1);
        assertPasses(new HiResCam(), 1, 1);
        assertPasses(new AblationCam(), 1, 0, 17);           // every channel but the all-zero one
        assertPasses(new ReciproCam(), 1, 0, 4 * 4);         // every cell of the 4 x 4 grid
    }

    @Test
    void headOnlyMethodsRescoreEveryTargetInTheSamePasses() {
        Run run = explain(new ReciproCam(), inkIn(1), Targets.of(1, 0, 2), 5);
        assertThat(run.network().headOnlyImages()).isEqualTo(16);
        assertThat(run.network().images()).isEqualTo(1);
        Run ablation = explain(new AblationCam(), inkIn(1), Targets.of(1, 0, 2), 5);
        assertThat(ablation.network().headOnlyImages()).as("quadrant 1's 4 cell channels and the constant one")
                .isEqualTo(5);
    }

    /** Zeroing a channel that is already zero changes nothing: Ablation-CAM weighs it 0 without a pass. */
    @Test
    void ablationSkipsTheChannelsThatAreZeroOnTheImage() {
        Run ablation = explain(new AblationCam(), inkIn(2), Targets.of(2), 7);
        double[] w = ablation.result().maps().get(0).saliency().weights();
        for (int k = 0; k < 16; k++) {
            if ((k / 8) * 2 + (k % 4) / 2 != 2) {
                assertThat(w[k]).as("channel %d, outside quadrant 2", k).isZero();
            }
        }
        assertThat(w[17]).isZero();
        assertThat(ablation.network().headOnlyImages()).isEqualTo(5);
    }

    /** Head passes cost little beside a call: they go in batches of up to 16 MiB, never fewer rows than asked. */
    @Test
    void headOnlyPassesGoInBatchesLargerThanTheForwardBatch() {
        Run ablation = explain(new AblationCam(), uniform(1f), Targets.of(1), 5);
        assertThat(ablation.network().headOnlyImages()).isEqualTo(17);
        assertThat(ablation.network().headOnlyCalls()).as("17 tiny copies of A in one call").isEqualTo(1);

        long resnet50 = 2048L * 7 * 7;                       // floats of one copy of a ResNet-50's A at 224 px
        assertThat(HeadScores.batchRows(8, resnet50, 2048)).isEqualTo((int) ((16L << 20) / (resnet50 * 4)));
        assertThat(HeadScores.batchRows(256, resnet50, 2048)).isEqualTo(256);
        assertThat(HeadScores.batchRows(8, 512L * 3 * 3, 512)).as("a ResNet-18's 512 copies at 96 px: one call")
                .isEqualTo(512);
        assertThat(HeadScores.batchRows(1, 16L << 20, 10)).isEqualTo(1);
    }

    private static void assertPasses(CamMethod method, int forward, int backward) {
        assertPasses(method, forward, backward, 0);
    }

    private static void assertPasses(CamMethod method, int forward, int backward, int headOnly) {
        Run run = explain(method, uniform(1f), Targets.of(0), 7);
        assertThat(run.network().headOnlyImages()).as("head-only images of %s", method).isEqualTo(headOnly);
        assertThat(run.network().images()).as("forward images of %s", method).isEqualTo(forward);
        assertThat(run.network().backwardImages()).as("backward images of %s", method).isEqualTo(backward);
        assertThat(run.result().forwardPasses()).isEqualTo(run.network().images());
        assertThat(run.result().backwardPasses()).isEqualTo(run.network().backwardImages());
        assertThat(run.result().headPasses()).isEqualTo(run.network().headOnlyImages());
    }

    /**
     * Ablation-CAM on the image inked in quadrant q, class q: y = 4 x (3 + 1) = 16; zeroing one of
     * quadrant q's cell channels drops it by 3, the constant channel by 4 (its 4 cells), any other
     * channel by nothing. So w = 3/16, 4/16 and 0, and the map lights quadrant q.
     */
    @Test
    void ablationWeightsAreTheRelativeDropsOfTheAlgebra() {
        for (int q = 0; q < 4; q++) {
            double[] w = explain(new AblationCam(), inkIn(q), Targets.of(q), 7).result().maps().get(0).saliency()
                    .weights();
            for (int k = 0; k < 16; k++) {
                int row = k / 4;
                int column = k % 4;
                boolean inQuadrant = (row / 2) * 2 + column / 2 == q;
                assertThat(w[k]).as("channel %d, quadrant %d", k, q).isCloseTo(inQuadrant ? 3.0 / 16 : 0,
                        Offset.offset(1e-6));
            }
            assertThat(w[16]).isCloseTo(4.0 / 16, Offset.offset(1e-6));
            assertThat(w[17]).isCloseTo(0, Offset.offset(1e-6));
        }
    }

    /**
     * Recipro-CAM on the image inked in quadrant 0, class 0: cell (0,0) carries 3 + 1 and keeps
     * the kernel's mass 4/16 + 2/16 + 2/16 + 1/16 inside quadrant 0 (the rest is cut at the grid's
     * edge), so its score is 4 x 9/16; cell (3,3) is outside, carries only the constant 1 and its
     * kernel reaches no cell of quadrant 0: score 0. Cell (2,1) carries 1 and reaches quadrant 0
     * with its top row: 1 x (1 + 2 + 0)/16 (cells (1,0), (1,1); (1,2) is quadrant 1).
     */
    @Test
    void reciproCellScoresAreTheKernelMassInsideTheQuadrant() {
        double[] scores = explain(new ReciproCam(), inkIn(0), Targets.of(0), 5).result().maps().get(0).saliency()
                .weights();
        assertThat(scores).hasSize(16);
        assertThat(scores[0]).isCloseTo(4 * 9.0 / 16, Offset.offset(1e-6));
        assertThat(scores[15]).isCloseTo(0, Offset.offset(1e-6));
        assertThat(scores[2 * 4 + 1]).isCloseTo(3.0 / 16, Offset.offset(1e-6));
        // On the all-ones image every cell carries 3 + 1: cell (0,2) reaches quadrant 0 with 2/16 + 1/16.
        double[] uniform = explain(new ReciproCam(), uniform(1f), Targets.of(0), 5).result().maps().get(0)
                .saliency().weights();
        assertThat(uniform[0]).isCloseTo(4 * 9.0 / 16, Offset.offset(1e-6));
        assertThat(uniform[2]).isCloseTo(4 * 3.0 / 16, Offset.offset(1e-6));
    }

    /**
     * Eigen-CAM on an image inked in one grid cell k only: the centred activations have one
     * non-zero column, A^k - mean, so v_1 = e_k (sign: the positive peak), and the map ReLU(X v_1)
     * is positive at cell k only: its peak is in cell k.
     */
    @ParameterizedTest(name = "cell {0}")
    @MethodSource("cells")
    void eigenCamFindsTheOneInkedCell(int cell) {
        float[] chw = new float[3 * SIZE * SIZE];
        int side = SIZE / 4;
        for (int i = 0; i < chw.length; i++) {
            int pixel = i % (SIZE * SIZE);
            chw[i] = (pixel / SIZE) / side * 4 + (pixel % SIZE) / side == cell ? 1f : 0f;
        }
        Saliency map = explain(new EigenCam(), chw, Targets.of(0), 7).result().maps().get(0).saliency();
        for (int k = 0; k < 18; k++) {
            assertThat(map.weights()[k]).as("v_1[%d]", k).isCloseTo(k == cell ? 1 : 0, Offset.offset(1e-9));
        }
        int peak = 0;
        for (int i = 0; i < map.values().length; i++) {
            if (map.values()[i] > map.values()[peak]) {
                peak = i;
            }
        }
        assertThat((peak / SIZE) / side * 4 + (peak % SIZE) / side).as("grid cell of the peak").isEqualTo(cell);
    }

    static Stream<Integer> cells() {
        return Stream.of(0, 5, 10, 15);
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
