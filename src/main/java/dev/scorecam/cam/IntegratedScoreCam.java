package dev.scorecam.cam;

import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;

/**
 * IS-CAM, Integrated Score-CAM (Naidu et al., 2020, arXiv:2010.03023): each channel's score is
 * integrated along the path from the empty mask to the full one, as integrated gradients
 * integrate along a path of inputs, which smooths the weights.
 *
 * <pre>
 *   S^c_k     = (1/N) sum_{i=1..N} f^c(X ⊙ (i/N) M^k)
 *   alpha^c_k = softmax_k(S^c_k - S^c_b)           (or another {@link ChannelWeighting} of the means)
 *   L^c       = ReLU(sum_k alpha^c_k A^k)
 * </pre>
 * The Riemann sum of the path integral over scales 1/N..1 (masks scaled from 0 to 1); the last
 * step is Score-CAM's own masked input. torch-cam's ISCAM instead accumulates the scale itself (1/N, 3/N, 6/N, ..., (N+1)/2), which goes past the unit mask.
 * A constant channel's mask is 0 at every scale: S_k = S_b without a pass, as in {@link ScoreCam}.
 */
public final class IntegratedScoreCam implements CamMethod {

    private final int steps;
    private final ChannelWeighting weighting;

    /** @param steps N, scales of each mask, at least 1 (the catalogue's declaration checks a request's) */
    public IntegratedScoreCam(int steps) {
        this(steps, ChannelWeighting.SOFTMAX);
    }

    public IntegratedScoreCam(int steps, ChannelWeighting weighting) {
        this.steps = steps;
        this.weighting = weighting;
    }

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        return MaskedScores.explain(run, run.live, steps,
                (masks, channels, repetitions) ->
                        masks.mul(MaskedScores.perRow(masks.getManager(), scales(repetitions))), batchSize, progress,
                (scores, target) -> weighting.weights(scores, target, IntStream.range(0, run.channels).toArray()));
    }

    /** i/N for repetition i-1. */
    private float[] scales(int[] repetitions) {
        float[] scales = new float[repetitions.length];
        for (int i = 0; i < repetitions.length; i++) {
            scales[i] = (float) (repetitions[i] + 1) / steps;
        }
        return scales;
    }
}
