package dev.scorecam.cam;

import java.util.Arrays;

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
 * Every channel is ablated, each copy of A rescored through {@code head} only: one forward pass
 * and K head passes in batches, for every target together. y^c is the logit as in the paper, or
 * the probability with {@code score=probability}. A target whose score is 0 has no relative drop:
 * its weights are not finite and its map is all zero.
 */
public final class AblationCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        int channels = run.channels;
        NDArray a = run.activations.expandDims(0);                                  // (1,K,h,w)
        float[][] ablated = HeadScores.of(run, channels, batchSize, progress, (scope, from, to) -> {
            float[] keep = new float[(to - from) * channels];
            Arrays.fill(keep, 1f);
            for (int k = from; k < to; k++) {
                keep[(k - from) * channels + k] = 0f;                               // row k zeroes A^k
            }
            return scope.create(keep, new Shape(to - from, channels, 1, 1)).mul(a);     // in scope: freed per batch
        });
        return run.finish(t -> weights(run.targets.get(t), run.logits, ablated));
    }

    /** w_k = (y - y_k) / y. */
    static double[] weights(Target target, float[] logits, float[][] ablated) {
        double y = target.score(logits);
        double[] w = new double[ablated.length];
        for (int k = 0; k < ablated.length; k++) {
            w[k] = (y - target.score(ablated[k])) / y;
        }
        return w;
    }
}
