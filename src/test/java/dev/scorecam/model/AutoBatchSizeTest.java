package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import dev.scorecam.cam.Network;

/** batch-size: auto measures candidates at warm-up; what it picks depends on the machine, so only its range is asserted. */
class AutoBatchSizeTest {

    static final ModelPackage QUADRANTS = ModelPackageReader.read(Path.of("src/test/resources/models/quadrants"));

    @Test
    void autoPicksOneOfTheCandidatesItMeasured() {
        try (ServedModel model = ServedModel.load(QUADRANTS, Device.cpu(),
                new ServingOptions(Precision.FP32, BatchSize.AUTO, 1, 256, Duration.ofSeconds(30), true))) {
            // 18 channels + the baseline: 8, 16 and 32 (the first to hold all 19) are worth measuring.
            assertThat(BatchTuner.candidates(19, 256)).containsExactly(8, 16, 32);
            assertThat(model.batchSizeMeasured()).isTrue();
            assertThat(model.batchSize()).isIn(8, 16, 32);
            assertThat(model.batchMeasurements()).startsWith("8: ").contains(" ms/img");
        }
    }

    /** Per batch size, what reading back a batch's logits costs: 40 ms at 8, 30 at 16, 100 at 32. */
    static final Map<Long, Long> READ_MILLIS = Map.of(8L, 40L, 16L, 30L, 32L, 100L);

    /**
     * A network as a GPU runs one: its forwards return at once, and reading the logits of a batch
     * of n images waits {@code millis.applyAsLong(n)}.
     */
    static Network paidOnRead(LongUnaryOperator millis) {
        return new Network() {
            @Override
            public NDArray forward(NDArray input) {
                long cost = millis.applyAsLong(input.getShape().get(0));
                NDArray logits = mock(NDArray.class);
                doAnswer(call -> {
                    Thread.sleep(cost);
                    return new float[0];
                }).when(logits).toFloatArray();
                return logits;
            }

            @Override
            public NDArray features(NDArray input) {
                throw new UnsupportedOperationException();
            }

            @Override
            public NDArray head(NDArray activations) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Per Score-CAM of 19 inputs: 3 x 40 ms at 8, 2 x 30 at 16, 1 x 100 at 32, so 16 is best. */
    @Test
    void theTunerTimesABatchUntilItsLogitsAreReadBack() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            BatchTuner.Choice choice = BatchTuner.choose(paidOnRead(READ_MILLIS::get), QUADRANTS.input(), 19, 256,
                    Duration.ofSeconds(30), manager);
            assertThat(choice.batchSize()).isEqualTo(16);
            assertThat(choice.trials()).extracting(BatchTuner.Trial::batchSize).containsExactly(8, 16, 32);
        }
    }

    /**
     * The machine runs three times slower while the first two candidates are measured (its first
     * eight reads), then at its steady speed. Measured only then, 16 would look like 2 x 90 ms and
     * 32 would win; rounds after the first pass let its steady timings outvote the slow spell.
     */
    @Test
    void aSlowSpellDuringTheFirstCandidatesDoesNotDecideThePick() {
        AtomicInteger reads = new AtomicInteger();
        Network drifting = paidOnRead(n -> (reads.incrementAndGet() <= 8 ? 3 : 1) * READ_MILLIS.get(n));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            BatchTuner.Choice choice = BatchTuner.choose(drifting, QUADRANTS.input(), 19, 256, Duration.ofSeconds(30),
                    manager);
            assertThat(choice.batchSize()).isEqualTo(16);
            assertThat(reads.get()).isEqualTo(3 * 4 + BatchTuner.EXTRA_ROUNDS * 3);
        }
    }

    @Test
    void theLowerMedianOfTwoTimingsIsTheFaster() {
        assertThat(BatchTuner.lowerMedian(List.of(5.0, 3.0))).isEqualTo(3.0);
        assertThat(BatchTuner.lowerMedian(List.of(9.0, 1.0, 4.0, 7.0, 2.0))).isEqualTo(4.0);
    }

    @Test
    void anExplicitBatchSizeWins() {
        try (ServedModel model = ServedModel.load(QUADRANTS, Device.cpu(),
                new ServingOptions(Precision.FP32, BatchSize.of(5), 1, 256, Duration.ofSeconds(30), true))) {
            assertThat(model.batchSizeMeasured()).isFalse();
            assertThat(model.batchSize()).isEqualTo(5);
            assertThat(model.batchMeasurements()).isEmpty();
        }
    }

    @Test
    void candidatesStopAtTheLimitAndAtTheFirstThatHoldsEveryMaskedInput() {
        assertThat(BatchTuner.candidates(513, 256)).containsExactly(8, 16, 32, 64, 128, 256);
        assertThat(BatchTuner.candidates(513, 100)).containsExactly(8, 16, 32, 64);
        assertThat(BatchTuner.candidates(65, 256)).containsExactly(8, 16, 32, 64, 128);
        assertThat(BatchTuner.candidates(65, 4)).containsExactly(4);
    }

    @Test
    void batchSizeParsesAutoAndNumbers() {
        assertThat(BatchSize.parse(" Auto ").isAuto()).isTrue();
        assertThat(BatchSize.parse("48")).isEqualTo(BatchSize.of(48));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchSize.parse("0"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
