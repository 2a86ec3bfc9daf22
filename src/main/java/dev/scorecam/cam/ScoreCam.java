package dev.scorecam.cam;

import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;

/**
 * Score-CAM (Wang et al., 2020): a class activation map whose channel weights come from how much
 * each channel, used as a mask on the input, raises the class score above a baseline.
 *
 * <p>For input X, target class c and the target layer's activations A^k (k = 1..K):
 * <ol>
 *   <li>masks: M^k = s(Up(A^k)), bilinear upsampling to the input size, then min-max
 *       normalisation to [0,1];
 *   <li>channel scores: S^c_k = f^c(X ⊙ M^k), in batches;
 *   <li>baseline score: S^c_b = f^c(X_b), X_b = 0: what a zero mask leaves of X, so it is scored
 *       as the first masked input, that of an all-zero map;
 *   <li>weights: alpha^c_k = softmax_k(S^c_k - S^c_b), the paper's ({@link ChannelWeighting} has the
 *       authors' code's and a third beside it);
 *   <li>map: L^c = ReLU(sum_k alpha^c_k A^k), upsampled and normalised for display.
 * </ol>
 * Steps 1 to 3 are {@link MaskedScores}' (a constant channel costs no pass: S^c_k = S^c_b), step 5
 * is {@link CamRun#finish}'s. The result's {@code forwardPasses} is counted on the network as the
 * calls are made, not derived from the channel count.
 *
 * <p>Not thread-confined: one instance serves any number of threads.
 */
public final class ScoreCam implements CamMethod {

    private final ChannelWeighting weighting;

    /** The paper's softmax weights. */
    public ScoreCam() {
        this(ChannelWeighting.SOFTMAX);
    }

    public ScoreCam(ChannelWeighting weighting) {
        this.weighting = weighting;
    }

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);                   // A^k and f(X)
        // Steps 1-3: the masks of the live channels, S_k and S_b; step 4 here; step 5 in run.finish.
        int[] all = IntStream.range(0, run.channels).toArray();
        return MaskedScores.explain(run, run.live, 1, MaskedScores.Perturbation.NONE, batchSize, progress,
                (scores, target) -> weighting.weights(scores, target, all));
    }
}
