package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Faithfulness on the hand-built quadrants model, where every probability is known: class c's
 * logit is the sum of the 4 grid cells of quadrant c, each cell its 8x8 pixels' mean colour sum
 * plus 1. On an all-ones image every logit is 4 x (3 + 1) = 16, so p_c = 1/4; a quadrant set to
 * zero scores 4.
 */
class FaithfulnessTest {

    static final int SIZE = 32;
    static ServedModel model;
    final Faithfulness faithfulness = new Faithfulness();

    @BeforeAll
    static void load() {
        model = ServedModel.load(ModelPackageReader.read(Path.of("src/test/resources/models/quadrants")),
                Device.cpu(), 5, 0);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A map that is 1 on quadrant q (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right), 0 elsewhere. */
    static TargetMap lighting(int target, int q) {
        float[] map = new float[SIZE * SIZE];
        for (int i = 0; i < map.length; i++) {
            int x = i % SIZE;
            int y = i / SIZE;
            map[i] = (y < SIZE / 2 ? 0 : 2) + (x < SIZE / 2 ? 0 : 1) == q ? 1f : 0f;
        }
        return new TargetMap(new ClassTarget(target, ScoreKind.PROBABILITY), new Saliency(SIZE, SIZE, map, false, new double[0]));
    }

    record Run(FaithfulnessResult result, CountingNetwork network) {}

    Run measure(List<TargetMap> maps, int steps) {
        CountingNetwork network = new CountingNetwork(model.network());
        try (NDManager manager = model.newRequestManager()) {
            float[] ones = new float[3 * SIZE * SIZE];
            Arrays.fill(ones, 1f);
            NDArray x = manager.create(ones, new Shape(1, 3, SIZE, SIZE));
            return new Run(faithfulness.measure(network, x, maps, steps, 7, Progress.NONE), network);
        }
    }

    /** p of one class whose logit is {@code own} against three at {@code others}. */
    static double p(double own, double others) {
        return 1 / (1 + 3 * Math.exp(others - own));
    }

    @Test
    void theRightMapKeepsTheClassAndTheWrongOneDropsIt() {
        List<ClassFaithfulness> result = measure(List.of(lighting(1, 1), lighting(1, 2)), 4).result().classes();
        ClassFaithfulness right = result.get(0);
        ClassFaithfulness wrong = result.get(1);

        // X ⊙ L keeps only the lit quadrant: its class scores 16, the others 4.
        assertThat(right.score()).isCloseTo(0.25, within(1e-6));
        assertThat(right.maskedScore()).isCloseTo(p(16, 4), within(1e-6));
        assertThat(right.increase()).isTrue();
        assertThat(right.averageDrop()).isZero();
        assertThat(wrong.maskedScore()).isCloseTo(1 / (3 + Math.exp(12)), within(1e-8));
        assertThat(wrong.increase()).isFalse();
        assertThat(wrong.averageDrop()).isCloseTo(1 - 4 / (3 + Math.exp(12)), within(1e-6));

        // Deletion: after the first quarter of the pixels, the lit quadrant is gone (16 -> 4).
        assertThat(right.deletionCurve()[1]).isCloseTo(p(4, 16), within(1e-6));
        assertThat(wrong.deletionCurve()[1]).isCloseTo(1 / (3 + Math.exp(-12)), within(1e-6));
        assertThat(right.deletionCurve()[4]).as("all deleted: every class scores 4").isCloseTo(0.25, within(1e-6));
        assertThat(right.deletion()).isLessThan(wrong.deletion());
        assertThat(right.insertion()).isGreaterThan(wrong.insertion());
        assertThat(right.insertionCurve()[4]).as("all inserted: the input itself").isCloseTo(0.25, within(1e-6));
    }

    @Test
    void theInputIsScoredOnceAndEachTargetCostsItsMaskedInputAndTwoImagesAStep() {
        Run run = measure(List.of(lighting(0, 0), lighting(3, 3)), 6);

        assertThat(run.network().images()).isEqualTo(1 + 2 * (1 + 2 * 6));
        assertThat(run.result().forwardPasses()).isEqualTo(run.network().images());
        assertThat(run.network().calls()).as("batches of 7").isEqualTo((27 + 6) / 7);
        assertThat(run.result().classes()).extracting(ClassFaithfulness::target).containsExactly(0, 3);
    }

    @Test
    void aCancelBetweenBatchesStopsTheMeasurement() {
        CountingNetwork network = new CountingNetwork(model.network());
        try (NDManager manager = model.newRequestManager()) {
            NDArray x = manager.create(new float[3 * SIZE * SIZE], new Shape(1, 3, SIZE, SIZE));
            Progress cancelled = (done, total) -> {
                throw new CancellationException("cancelled after " + done + "/" + total);
            };
            assertThatThrownBy(() ->
                    faithfulness.measure(network, x, List.of(lighting(0, 0)), 20, 7, cancelled))
                    .isInstanceOf(CancellationException.class)
                    .hasMessage("cancelled after 7/42");
        }
        assertThat(network.calls()).isEqualTo(1);
    }

    @Test
    void theAreaIsTheTrapezoidRuleOverTheFractionOfPixels() {
        assertThat(Faithfulness.auc(new double[] {0, 0.5, 1}, new double[] {1, 1, 1})).isEqualTo(1.0);
        assertThat(Faithfulness.auc(new double[] {0, 0.25, 1}, new double[] {1, 0, 0})).isEqualTo(0.125);
    }

    @Test
    void pixelsAreRankedBySaliencyThenByIndex() {
        assertThat(Faithfulness.ranking(new float[] {0.2f, 0.9f, 0.2f, 1f, 0f})).containsExactly(3, 1, 0, 2, 4);
    }

    @Test
    void theBlurKeepsAFlatInteriorAndFadesTheBorderTowardsTheMeanColour() {
        assertThat(Arrays.stream(Faithfulness.gaussianKernel()).sum()).isCloseTo(1.0, within(1e-12));
        float[] flat = new float[3 * 20 * 20];
        Arrays.fill(flat, 2f);
        float[] blurred = Faithfulness.blur(flat, 20, 20);
        assertThat(blurred[10 * 20 + 10]).isCloseTo(2f, within(1e-6f));
        assertThat(blurred[0]).isLessThan(1.5f).isGreaterThan(0.5f); // a corner sees about a third of its kernel
    }
}
