package dev.scorecam.cam;

import java.util.stream.IntStream;

/**
 * SS-CAM's noise, delta ~ N(0, sigma^2) per pixel of a mask, as a function of (seed, channel,
 * sample, pixel) alone: SplitMix64 (Steele, Lea and Flood, 2014) turns a counter into uniform
 * 64-bit values, Box-Muller two of them into one Gaussian. A mask's noise is therefore its own,
 * whatever the batch it falls in: the rows of a batch are drawn in parallel, and the map depends
 * on the seed only, not on batch size or threads. A sequential generator (java.util.Random) took
 * 0.35 s on one core for a batch of 256 masks at 224x224, longer than a GPU's forward of the
 * batch (docs/gpu.md). tools/cam_reference.py draws the same values in numpy.
 *
 * <pre>
 *   row      = mix(seed XOR mix(channel &lt;&lt; 32 | sample))
 *   x_i      = mix(row + (i + 1) * GAMMA)                      (SplitMix64's i-th output)
 *   u1, u2   = ((x_2j &gt;&gt;&gt; 11) + 1) / 2^53,  (x_2j+1 &gt;&gt;&gt; 11) / 2^53      in (0,1] and [0,1)
 *   delta_j  = sigma * sqrt(-2 ln u1) * cos(2 pi u2)
 * </pre>
 */
final class MaskNoise {

    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final double TO_UNIT = 0x1.0p-53;

    private MaskNoise() {}

    /** SplitMix64's output function (its variant 13 of Stafford's mixers). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The noise of rows (channels[r], samples[r]), {@code pixels} values each, row after row; rows drawn in parallel. */
    static float[] batch(long seed, int[] channels, int[] samples, int pixels, double sigma) {
        float[] delta = new float[channels.length * pixels];
        IntStream.range(0, channels.length).parallel()
                .forEach(r -> fill(delta, r * pixels, seed, channels[r], samples[r], pixels, sigma));
        return delta;
    }

    private static void fill(float[] delta, int offset, long seed, int channel, int sample, int pixels, double sigma) {
        long row = mix(seed ^ mix(((long) channel << 32) | (sample & 0xFFFFFFFFL)));
        for (int j = 0; j < pixels; j++) {
            long x1 = mix(row + (2L * j + 1) * GAMMA);
            long x2 = mix(row + (2L * j + 2) * GAMMA);
            double u1 = ((x1 >>> 11) + 1) * TO_UNIT;
            double u2 = (x2 >>> 11) * TO_UNIT;
            delta[offset + j] = (float) (sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
    }
}
