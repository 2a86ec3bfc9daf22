package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.cam.Progress;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;

/** The model as the service sees it: plain values in and out, every pass told to the listener. */
class ServedModelTest {

    static ServedModel quadrants;

    @BeforeAll
    static void load() {
        quadrants = ServedModel.load(ModelPackageReader.read(Path.of("src/test/resources/models/quadrants")),
                Device.cpu(), 16, 0);
    }

    @AfterAll
    static void close() {
        quadrants.close();
    }

    @Test
    void describesItselfInPlainValues() {
        assertThat(quadrants.device()).isEqualTo("cpu()");
        assertThat(quadrants.channels()).isEqualTo(18);
        assertThat(quadrants.activationWidth()).isEqualTo(4);
        assertThat(quadrants.activationHeight()).isEqualTo(4);
    }

    @Test
    void explainsAFloatArrayAndTellsTheListenerEveryPass() {
        float[] ones = new float[3 * 32 * 32];
        Arrays.fill(ones, 1f);
        List<String> models = new ArrayList<>();
        long[] images = {0};

        CamResult result = quadrants.explain(ones, Targets.of(1), ScoreKind.LOGIT, 5, Progress.NONE,
                (model, batch) -> {
                    models.add(model);
                    images[0] += batch;
                });

        assertThat(result.maps()).hasSize(1);
        assertThat(images[0]).isEqualTo(result.forwardPasses()).isEqualTo(16 + 2);
        // The input's own pass, then 17 masked inputs in batches of 5.
        assertThat(models).hasSize(1 + 4).containsOnly("quadrants");
    }

    @Test
    void saysWhetherItServesAFrozenFileOrOneWithParameters() {
        // The demo classifier is scripted with its parameters; the demo detector is frozen.
        try (ServedModel scripted = ServedModel.load(
                ModelPackageReader.read(Path.of("src/main/resources/demo-model/fashion-cnn")), Device.cpu(), 16, 0);
                ServedModel frozen = ServedModel.load(
                        ModelPackageReader.read(Path.of("src/main/resources/demo-model/fashion-detector")), Device.cpu(),
                        16, 0)) {
            assertThat(scripted.form()).startsWith("TorchScript, not frozen (12 parameter tensors;");
            assertThat(frozen.form()).isEqualTo("TorchScript, frozen (no parameters)");
        }
    }

    @Test
    void refusesAnInputOfTheWrongSize() {
        assertThatThrownBy(() -> quadrants.explain(new float[3 * 16 * 16], Targets.of(0), ScoreKind.LOGIT, 5,
                Progress.NONE, ForwardPassListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3x32x32");
    }
}
