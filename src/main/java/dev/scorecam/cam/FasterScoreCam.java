package dev.scorecam.cam;

import java.util.Arrays;
import java.util.Comparator;
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
 *   L^c       = ReLU(sum_k alpha^c_k A^k)
 * </pre>
 * with S^c_k, S^c_b as in {@link ScoreCam}; Var is the population variance over the h x w cells,
 * rounded to float so that equal maps at other cells tie. A constant channel has variance 0, so it is chosen
 * only when fewer than {@code maxChannels} channels vary; chosen, it costs no pass (its masked input
 * is the baseline). With {@code maxChannels >= K} this is exact Score-CAM.
 */
public final class FasterScoreCam implements CamMethod {

    private final int maxChannels;

    public FasterScoreCam(int maxChannels) {
        if (maxChannels < 1) {
            throw new IllegalArgumentException("max-channels must be at least 1: " + maxChannels);
        }
        this.maxChannels = maxChannels;
    }

    @Override
    public ScoreCamResult explain(Network model, NDArray input, Targets targets, ScoreType scoreType, int batchSize,
            Progress progress) {
        CamRun.checkBatchSize(batchSize);
        CamRun run = CamRun.start(model, input, targets);
        int[] live = ScoreCam.liveChannels(run.activations);
        int[] chosen = largestVariance(run.activations, maxChannels);                         // C
        int[] scored = IntStream.of(chosen).filter(k -> Arrays.binarySearch(live, k) >= 0).toArray();
        float[] baseline = MaskedScores.baseline(run.network, input, scoreType);            // S_b
        double[][] scores = MaskedScores.mean(run.network, input, run.activations, scored, 1,
                MaskedScores.Perturbation.NONE, scoreType, batchSize, progress);            // S_k, k in C
        return run.finish(c -> weights(scores, baseline, scored, chosen, c, run.channels), live.length);
    }

    /** The {@code count} channels of largest Var(A^k) over the map's cells (as float; ties: lower index), ascending by index. */
    static int[] largestVariance(NDArray activations, int count) {
        int channels = (int) activations.getShape().get(0);
        float[] flat = activations.toFloatArray();
        int cells = flat.length / channels;
        float[] variance = new float[channels];
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            for (int i = 0; i < cells; i++) {
                mean += flat[k * cells + i];
            }
            mean /= cells;
            double squares = 0;
            for (int i = 0; i < cells; i++) {
                double d = flat[k * cells + i] - mean;
                squares += d * d;
            }
            // Rounded to float: the same values at other cells give the same variance whatever the summation order.
            variance[k] = (float) (squares / cells);
        }
        return IntStream.range(0, channels).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> -variance[k]).thenComparingInt(k -> k))
                .limit(count)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }

    /** alpha over the chosen channels only: softmax of S_k - S_b (0 for a chosen constant channel). */
    private static double[] weights(double[][] scores, float[] baseline, int[] scored, int[] chosen, int target,
            int channels) {
        double[] differences = new double[chosen.length];
        for (int j = 0; j < scored.length; j++) {
            differences[Arrays.binarySearch(chosen, scored[j])] = scores[j][target] - baseline[target];
        }
        double[] softmax = ScoreCam.softmax(differences);
        double[] weights = new double[channels];
        for (int i = 0; i < chosen.length; i++) {
            weights[chosen[i]] = softmax[i];
        }
        return weights;
    }
}
