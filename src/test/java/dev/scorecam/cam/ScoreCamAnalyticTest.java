package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

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

    private ScoreCamResult explain(float pixel, int... targets) {
        try (NDManager manager = model.newRequestManager()) {
            NDArray x = manager.full(new Shape(1, 3, SIZE, SIZE), pixel);
            return scoreCam.explain(model.network(), x, Targets.of(targets), ScoreType.LOGIT, 5, Progress.NONE);
        }
    }

    @ParameterizedTest(name = "class {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void lightsTheQuadrantTheClassReads(int quadrant) {
        Saliency map = explain(1f, quadrant).explanations().get(0).saliency();

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

    @Test
    void constantChannelsNeedNoForwardPass() {
        ScoreCamResult result = explain(1f, 0);
        assertThat(result.channels()).isEqualTo(18);
        assertThat(result.liveChannels()).isEqualTo(16);
        assertThat(result.forwardPasses()).isEqualTo(18);
        // A dead channel's masked input is the baseline: its weight is exp(0) / sum.
        double[] weights = result.explanations().get(0).saliency().weights();
        assertThat(weights[16]).isEqualTo(weights[17]);
        assertThat(sum(weights)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aBlankImageGivesAnAllZeroMapWithAFlag() {
        ScoreCamResult result = explain(0f, 2);
        assertThat(result.liveChannels()).isZero();
        assertThat(result.forwardPasses()).isEqualTo(2);
        Saliency map = result.explanations().get(0).saliency();
        assertThat(map.allZero()).isTrue();
        assertThat(map.values()).containsOnly(0f);
    }

    @Test
    void moreTargetsCostNoMoreForwardPasses() {
        ScoreCamResult result = explain(1f, 3, 0, 3);
        assertThat(result.explanations()).extracting(ClassExplanation::target).containsExactly(3, 0, 3);
        assertThat(result.forwardPasses()).isEqualTo(explain(1f, 0).forwardPasses());
        assertThat(result.explanations().get(0).saliency().values())
                .containsExactly(result.explanations().get(2).saliency().values());
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
