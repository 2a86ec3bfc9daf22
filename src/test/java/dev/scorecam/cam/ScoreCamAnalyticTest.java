package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * The hand-built quadrants model (tools/make_test_models.py): class c's logit is the ink in image
 * quadrant c, and its target layer has 16 one-cell channels, one constant and one zero channel.
 * On a uniform image Score-CAM must light quadrant c and nothing else, whatever the reference says.
 */
class ScoreCamAnalyticTest {

    static final int SIZE = 32;
    static ServedModel model;
    final ScoreCam scoreCam = new ScoreCam();

    @BeforeAll
    static void load() {
        model = ServedModel.load(ModelPackageReader.read(Path.of("src/test/resources/models/quadrants")),
                Device.cpu(), 5, 0);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** One Score-CAM run with the test's own count of what it asked of the network. */
    record Run(CamResult result, CountingNetwork network) {}

    private Run explain(float[] chw, Targets targets) {
        CountingNetwork network = new CountingNetwork(model.network());
        try (NDManager manager = model.newRequestManager()) {
            NDArray x = manager.create(chw, new Shape(1, 3, SIZE, SIZE));
            return new Run(scoreCam.explain(network, x, targets, ScoreKind.LOGIT, 5, Progress.NONE), network);
        }
    }

    private CamResult explain(float pixel, int... targets) {
        return explain(uniform(pixel), Targets.of(targets)).result();
    }

    static float[] uniform(float pixel) {
        float[] chw = new float[3 * SIZE * SIZE];
        Arrays.fill(chw, pixel);
        return chw;
    }

    /** Ink (1) in one quadrant, zero elsewhere: only that quadrant's 4 grid cells see any. */
    static float[] inkIn(int quadrant) {
        float[] chw = new float[3 * SIZE * SIZE];
        for (int i = 0; i < chw.length; i++) {
            int pixel = i % (SIZE * SIZE);
            chw[i] = quadrantOf(pixel % SIZE, pixel / SIZE) == quadrant ? 1f : 0f;
        }
        return chw;
    }

    @ParameterizedTest(name = "class {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void lightsTheQuadrantTheClassReads(int quadrant) {
        Saliency map = explain(1f, quadrant).maps().get(0).saliency();

        double inside = 0;
        double outside = 0;
        int peak = 0;
        for (int i = 0; i < map.values().length; i++) {
            boolean in = quadrantOf(i % SIZE, i / SIZE) == quadrant;
            if (in) {
                inside += map.values()[i];
            } else {
                outside += map.values()[i];
            }
            if (map.values()[i] > map.values()[peak]) {
                peak = i;
            }
        }
        int pixelsPerQuadrant = SIZE * SIZE / 4;
        assertThat(quadrantOf(peak % SIZE, peak / SIZE)).isEqualTo(quadrant);
        assertThat(inside / pixelsPerQuadrant).as("mean inside").isGreaterThan(0.5);
        assertThat(outside / (3 * pixelsPerQuadrant)).as("mean outside").isLessThan(0.1);
    }

    /**
     * By the model's construction, channel k < 16 varies only when grid cell k has ink, and
     * channels 16 and 17 are constant: so the passes are the inked cells + the baseline + the
     * input's own, counted on the network.
     */
    @Test
    void constantChannelsNeedNoForwardPass() {
        Run inkEverywhere = explain(uniform(1f), Targets.of(0));
        Run inkInOneQuadrant = explain(inkIn(3), Targets.of(3));
        Run blank = explain(uniform(0f), Targets.of(2));

        assertThat(inkEverywhere.network().images()).isEqualTo(16 + 1 + 1);
        assertThat(inkInOneQuadrant.network().images()).isEqualTo(4 + 1 + 1);
        assertThat(blank.network().images()).isEqualTo(0 + 1 + 1);
        for (Run run : List.of(inkEverywhere, inkInOneQuadrant, blank)) {
            assertThat(run.result().forwardPasses()).as("reported passes").isEqualTo(run.network().images());
            assertThat(run.result().liveChannels()).isEqualTo(run.network().nonConstantChannels());
            assertThat(run.result().channels()).isEqualTo(18);
        }
    }

    @Test
    void deadChannelsWeighAsMuchAsTheBaseline() {
        // A dead channel's masked input is the baseline: its weight is exp(0) / sum.
        double[] weights = explain(1f, 0).maps().get(0).saliency().weights();
        assertThat(weights[16]).isEqualTo(weights[17]);
        assertThat(sum(weights)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aBlankImageGivesAnAllZeroMapWithAFlag() {
        CamResult result = explain(0f, 2);
        assertThat(result.liveChannels()).isZero();
        Saliency map = result.maps().get(0).saliency();
        assertThat(map.allZero()).isTrue();
        assertThat(map.values()).containsOnly(0f);
    }

    @Test
    void moreTargetsCostNoMoreForwardPasses() {
        Run one = explain(uniform(1f), Targets.of(0));
        Run three = explain(uniform(1f), Targets.of(3, 0, 3));
        Run all = explain(uniform(1f), Targets.topK(4));

        assertThat(three.result().maps()).extracting(m -> m.target().classIndex()).containsExactly(3, 0, 3);
        assertThat(all.result().maps()).hasSize(4);
        for (Run run : List.of(three, all)) {
            assertThat(run.network().images()).isEqualTo(one.network().images());
            assertThat(run.network().calls()).isEqualTo(one.network().calls());
            assertThat(run.result().forwardPasses()).isEqualTo(run.network().images());
        }
        assertThat(three.result().maps().get(0).saliency().values())
                .containsExactly(three.result().maps().get(2).saliency().values());
    }

    static int quadrantOf(int x, int y) {
        return (y < SIZE / 2 ? 0 : 2) + (x < SIZE / 2 ? 0 : 1);
    }

    static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }
}
