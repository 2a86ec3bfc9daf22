package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

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
