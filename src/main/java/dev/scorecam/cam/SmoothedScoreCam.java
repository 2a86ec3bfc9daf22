package dev.scorecam.cam;

import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * SS-CAM, Smoothed Score-CAM (Wang, Naidu et al., 2020, arXiv:2006.14255): each channel's mask
 * is scored N times with Gaussian noise added to it, and the scores averaged, for a smoother
 * estimate of how much the channel speaks for the class.
 *
 * <pre>
 *   S^c_k     = (1/N) sum_{i=1..N} f^c(X ⊙ (M^k + delta_i)),   delta_i ~ N(0, sigma^2) per pixel
 *   alpha^c_k = softmax_k(S^c_k - S^c_b)           (or another {@link ChannelWeighting} of the means)
 *   L^c       = ReLU(sum_k alpha^c_k A^k)
 * </pre>
 * As the paper's Algorithm 1 and torch-cam's SSCAM: the noise is added to the normalised,
 * upsampled mask M^k (one value per pixel, shared by the colours), not to the input, and the
 * scores are not clipped. As in {@link ScoreCam}, a constant channel has no mask and is not scored
 * (S_k = S_b); torch-cam scores it with noise alone. The noise of channel k's sample i is
 * {@link MaskNoise}'s for (seed, k, i), row-major (H,W): the same request gives the same map,
 * whatever the batch size.
 */
public final class SmoothedScoreCam implements CamMethod {

    private final int samples;
    private final double noise;
    private final long seed;
    private final ChannelWeighting weighting;

    public SmoothedScoreCam(int samples, double noise, long seed) {
        this(samples, noise, seed, ChannelWeighting.SOFTMAX);
    }

    /**
     * @param samples N, noisy copies of each mask
     * @param noise sigma, the standard deviation of the noise on the [0,1] mask
     *     (the catalogue's declarations check a request's values)
     */
    public SmoothedScoreCam(int samples, double noise, long seed, ChannelWeighting weighting) {
        this.samples = samples;
        this.noise = noise;
        this.seed = seed;
        this.weighting = weighting;
    }

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        return MaskedScores.explain(run, run.live, samples,
                (masks, channels, repetitions) -> masks.add(noise(masks, channels, repetitions)), batchSize, progress,
                (scores, target) -> weighting.weights(scores, target, IntStream.range(0, run.channels).toArray()));
    }

    /** delta for a batch of masks (B,1,H,W), row i that of channel channels[i], sample samples[i]. */
    private NDArray noise(NDArray masks, int[] channels, int[] samples) {
        Shape shape = masks.getShape();
        int pixels = (int) (shape.get(2) * shape.get(3));
        return masks.getManager().create(MaskNoise.batch(seed, channels, samples, pixels, noise), shape);
    }
}
