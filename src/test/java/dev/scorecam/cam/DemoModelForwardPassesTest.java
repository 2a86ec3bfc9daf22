package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/** What Score-CAM on the demo model costs, counted on the network by the test itself. */
class DemoModelForwardPassesTest {

    static final int SNEAKER = 7;
    static ServedModel model;
    static ModelInput sneaker;

    @BeforeAll
    static void load() throws IOException {
        model = ServedModel.load(ModelPackageReader.read(Path.of("src/main/resources/demo-model/fashion-cnn")),
                Device.cpu(), 16, 0);
        sneaker = Preprocessor.prepare(new ImageDecoder(1_000_000).decode(Files.readAllBytes(Path.of("samples/sneaker.png"))),
                model.modelPackage().input());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    record Run(CamResult result, CountingNetwork network) {}

    static Run explain(Targets targets, int batchSize) {
        CountingNetwork network = new CountingNetwork(model.network());
        try (NDManager manager = model.newRequestManager()) {
            NDArray x = manager.create(sneaker.chw(), new Shape(1, 3, sneaker.height(), sneaker.width()));
            return new Run(new ScoreCam().explain(network, x, targets, ScoreKind.LOGIT, batchSize, Progress.NONE),
                    network);
        }
    }

    @Test
    void moreTargetsCostNoExtraForwardPasses() {
        Run one = explain(Targets.of(SNEAKER), 16);
        Run three = explain(Targets.of(SNEAKER, 5, 9), 16);
        Run topFive = explain(Targets.topK(5), 16);

        assertThat(three.result().maps()).hasSize(3);
        assertThat(topFive.result().maps()).hasSize(5);
        for (Run run : List.of(three, topFive)) {
            assertThat(run.network().images()).as("images through the network").isEqualTo(one.network().images());
            assertThat(run.network().calls()).as("engine calls").isEqualTo(one.network().calls());
        }
        for (Run run : List.of(one, three, topFive)) {
            assertThat(run.result().forwardPasses()).as("reported passes").isEqualTo(run.network().images());
        }
    }

    @Test
    void onePassPerVaryingChannelPlusTheBaselineAndTheInput() {
        Run run = explain(Targets.of(SNEAKER), 7);

        int varying = run.network().nonConstantChannels();
        assertThat(varying).isPositive();
        assertThat(run.network().images()).isEqualTo(varying + 2);
        assertThat(run.result().forwardPasses()).isEqualTo(run.network().images());
        // The input's own pass, then the masked inputs (baseline first) in batches of 7.
        assertThat(run.network().calls()).isEqualTo(1 + (varying + 1 + 6) / 7);
    }
}
