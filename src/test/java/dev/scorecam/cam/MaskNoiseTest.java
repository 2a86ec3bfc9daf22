package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** SS-CAM's noise: a mask's own, whatever batch it is drawn in; Gaussian with the asked sigma. (Its values against the float64 reference: MethodGoldenTest's sscam cases.) */
class MaskNoiseTest {

    @Test
    void aMasksNoiseDoesNotDependOnItsBatch() {
        int pixels = 1000;
        float[] batch = MaskNoise.batch(7, new int[] {3, 3, 9}, new int[] {0, 1, 0}, pixels, 2.0);
        float[] alone = MaskNoise.batch(7, new int[] {3}, new int[] {1}, pixels, 2.0);
        assertThat(Arrays.copyOfRange(batch, pixels, 2 * pixels)).containsExactly(alone);
        assertThat(MaskNoise.batch(7, new int[] {3, 3, 9}, new int[] {0, 1, 0}, pixels, 2.0)).containsExactly(batch);
        assertThat(Arrays.copyOfRange(batch, 0, pixels)).isNotEqualTo(alone);
        assertThat(MaskNoise.batch(8, new int[] {3}, new int[] {1}, pixels, 2.0)).isNotEqualTo(alone);
    }

    @Test
    void theNoiseIsGaussianWithTheAskedSigma() {
        float[] delta = MaskNoise.batch(11, new int[] {0, 1, 2, 3}, new int[] {0, 0, 0, 0}, 50_000, 2.0);
        double mean = 0;
        for (float d : delta) {
            mean += d;
        }
        mean /= delta.length;
        double variance = 0;
        int beyondTwoSigma = 0;
        for (float d : delta) {
            variance += (d - mean) * (d - mean);
            beyondTwoSigma += Math.abs(d) > 2 * 2.0 ? 1 : 0;
        }
        variance /= delta.length;
        assertThat(mean).isCloseTo(0, within(0.02));
        assertThat(Math.sqrt(variance)).isCloseTo(2.0, within(0.02));
        assertThat(beyondTwoSigma / (double) delta.length).isCloseTo(0.0455, within(0.003));  // two-sided 2 sigma
        for (float d : MaskNoise.batch(11, new int[] {0}, new int[] {0}, 10, 0.0)) {
            assertThat(d == 0f).isTrue();                                  // +0 or -0: no noise at sigma 0
        }
    }
}
