package dev.scorecam.cam;

import java.util.Arrays;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Ablation-CAM (Desai and Ramaswamy, WACV 2020): a channel's weight is the relative drop of the
 * class score when that channel is zeroed in the target layer's activations (the paper's Eq. 1
 * and 2):
 * <pre>
 *   w^c_k = (y^c - y^c_k) / y^c          (y^c_k: the score with A^k set to 0)
 *   L^c   = ReLU(sum_k w^c_k A^k)
 * </pre>
 * Every channel with a nonzero activation is ablated, each copy of A rescored through {@code head}
 * only: one forward pass and at most K head passes in batches, for every target together. y^c is
 * the logit as in the paper, or the probability with {@code score=probability}. A target whose
 * score is 0 has no relative drop: its weights are not finite and its map is all zero.
 */
public final class AblationCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        int channels = run.channels;
        int[] nonzero = nonzeroChannels(run.activations);
        NDArray a = run.activations.expandDims(0);                                  // (1,K,h,w)
        float[][] scores = HeadScores.of(run, nonzero.length, batchSize, progress, (scope, from, to) -> {
            float[] keep = new float[(to - from) * channels];
            Arrays.fill(keep, 1f);
            for (int row = from; row < to; row++) {
                keep[(row - from) * channels + nonzero[row]] = 0f;                 // row zeroes its channel
            }
            return scope.create(keep, new Shape(to - from, channels, 1, 1)).mul(a);     // in scope: freed per batch
        });
        float[][] ablated = new float[channels][];
        for (int row = 0; row < nonzero.length; row++) {
            ablated[nonzero[row]] = scores[row];
        }
        return run.finish(t -> weights(run.targets.get(t), run.logits, ablated));
    }

    /**
     * The channels with a nonzero activation. Zeroing an all-zero channel changes nothing, so its
     * y_k is y and its weight 0 without a pass (for a ReLU layer, the channels dead on this input).
     */
    static int[] nonzeroChannels(NDArray activations) {
        long channels = activations.getShape().get(0);
        float[] largest = activations.reshape(channels, -1).abs().max(new int[] {1}).toFloatArray();
        return IntStream.range(0, largest.length).filter(k -> largest[k] > 0).toArray();
    }

    /** w_k = (y - y_k) / y; 0 for a channel not ablated (null scores: all zero, y_k = y). */
    static double[] weights(Target target, float[] logits, float[][] ablated) {
        double y = target.score(logits);
        double[] w = new double[ablated.length];
        for (int k = 0; k < ablated.length; k++) {
            w[k] = ablated[k] == null ? 0 : (y - target.score(ablated[k])) / y;
        }
        return w;
    }
}
