package dev.scorecam.cam;

import java.util.Arrays;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;

/**
 * Faster Score-CAM (the Score-CAM authors' faster variant, github.com/haofanwang/Score-CAM): only
 * the channels whose activation maps vary most are used as masks, so the cost is bounded by
 * {@code maxChannels} whatever the layer's width.
 *
 * <p>With C = the {@code maxChannels} channels of largest spatial variance Var(A^k) (ties: lower
 * index first):
 * <pre>
 *   alpha^c_k = softmax_{k in C}(S^c_k - S^c_b)  for k in C,   alpha^c_k = 0 otherwise
 *   (or another {@link ChannelWeighting} of the channels in C)
 *   L^c       = ReLU(sum_k alpha^c_k A^k)
 * </pre>
 * with S^c_k, S^c_b as in {@link ScoreCam}; Var is the population variance over the h x w cells,
 * rounded to float so that equal maps at other cells tie. A constant channel has variance 0, so it is chosen
 * only when fewer than {@code maxChannels} channels vary; chosen, it costs no pass (its masked input
 * is the baseline). With {@code maxChannels >= K} this is exact Score-CAM.
 */
public final class FasterScoreCam implements CamMethod {

    private final int maxChannels;
    private final ChannelWeighting weighting;

    /** @param maxChannels at least 1 (the catalogue's declaration checks a request's) */
    public FasterScoreCam(int maxChannels) {
        this(maxChannels, ChannelWeighting.SOFTMAX);
    }

    /** @param weighting its softmax ranges over C; the others weigh the scored channels of C */
    public FasterScoreCam(int maxChannels, ChannelWeighting weighting) {
        this.maxChannels = maxChannels;
        this.weighting = weighting;
    }

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        int[] chosen = largestVariance(run.activations, maxChannels);                                 // C
        int[] scored = IntStream.of(chosen).filter(k -> Arrays.binarySearch(run.live, k) >= 0).toArray();
        return MaskedScores.explain(run, scored, 1, MaskedScores.Perturbation.NONE, batchSize, progress,
                (scores, target) -> weighting.weights(scores, target, chosen));
    }

    /** The {@code count} channels of largest Var(A^k) (ties: lower index), ascending by index. */
    static int[] largestVariance(NDArray activations, int count) {
        int channels = (int) activations.getShape().get(0);
        return IntStream.of(CamMath.byVarianceDescending(CamMath.variance(activations),
                        IntStream.range(0, channels).toArray()))
                .limit(count)
                .sorted()
                .toArray();
    }
}
