package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The scoring step of the Score-CAM family: S^c = f^c(X ⊙ M) for masks made from chosen channels,
 * each mask used {@code repetitions} times, possibly perturbed (noise for SS-CAM, a scale for
 * IS-CAM), the scores of a channel averaged over its repetitions. Masked inputs are enumerated
 * channel by channel, repetition within channel, and scored in batches in that order; a
 * perturbation is told each row's channel and repetition, so that what it does to a mask does not
 * depend on the batch the mask falls in.
 */
final class MaskedScores {

    /**
     * Changes a batch of masks (B,1,H,W) before they multiply the input; row i is the mask of
     * channel {@code channels[i]}, repetition {@code repetitions[i]}.
     */
    @FunctionalInterface
    interface Perturbation {
        Perturbation NONE = (masks, channels, repetitions) -> masks;

        NDArray apply(NDArray masks, int[] channels, int[] repetitions);
    }

    private MaskedScores() {}

    /** S_b = f(X_b), X_b = 0: what a zero mask leaves of X. One forward pass. */
    static float[] baseline(Network network, NDArray input, ScoreType scoreType) {
        try (NDManager scope = input.getManager().newSubManager()) {
            NDArray zero = scope.zeros(input.getShape(), input.getDataType());
            return ScoreCam.classScores(network.forward(zero), scoreType)[0];
        }
    }

    /**
     * Mean score of every class for each chosen channel: row j is (1/R) sum_r f(X ⊙ P_r(M^{channels[j]})).
     *
     * @param activations A, (K,h,w)
     */
    static double[][] mean(Network network, NDArray input, NDArray activations, int[] channels, int repetitions,
            Perturbation perturbation, ScoreType scoreType, int batchSize, Progress progress) {
        int height = (int) input.getShape().get(2);
        int width = (int) input.getShape().get(3);
        int count = channels.length * repetitions;
        double[][] sums = new double[channels.length][];
        try (BatchScoring scoring = BatchScoring.on(input.getDevice(), input.getManager(), scoreType,
                (from, to, scores) -> {
                    for (int row = from; row < to; row++) {
                        int j = row / repetitions;
                        if (sums[j] == null) {
                            sums[j] = new double[scores[row - from].length];
                        }
                        for (int c = 0; c < sums[j].length; c++) {
                            sums[j][c] += scores[row - from][c];
                        }
                    }
                    progress.maskedInputsScored(to, count);
                })) {
            for (int from = 0; from < count; from += batchSize) {
                int to = Math.min(from + batchSize, count);
                int[] channelOfRow = new int[to - from];
                int[] repetitionOfRow = new int[to - from];
                for (int row = from; row < to; row++) {
                    channelOfRow[row - from] = channels[row / repetitions];
                    repetitionOfRow[row - from] = row % repetitions;
                }
                scoring.submit(from, to, batch -> {
                    NDArray maps = activations.get(new NDIndex("{}", batch.create(channelOfRow)));
                    maps.attach(batch);
                    NDArray masks = perturbation.apply(ScoreCam.masks(maps, height, width), channelOfRow,
                            repetitionOfRow);
                    return network.forward(masks.mul(input));
                });
            }
            scoring.finish();
        }
        for (double[] sum : sums) {
            for (int c = 0; c < sum.length; c++) {
                sum[c] /= repetitions;
            }
        }
        return sums;
    }

    /**
     * alpha = softmax over all K channels of (S_k - S_b), where the scored channels have their
     * mean scores and every other channel (a constant map: a zero mask, the baseline itself) 0.
     */
    static double[] softmaxOverAllChannels(double[][] means, float[] baseline, int[] scored, int target, int channels) {
        double[] differences = new double[channels];
        for (int j = 0; j < scored.length; j++) {
            differences[scored[j]] = means[j][target] - baseline[target];
        }
        return ScoreCam.softmax(differences);
    }

    /** Shape (B,1,1,1) of per-row factors, to scale a batch of masks. */
    static NDArray perRow(NDManager manager, float[] factors) {
        return manager.create(factors, new Shape(factors.length, 1, 1, 1));
    }
}
