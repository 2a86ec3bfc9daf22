package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The scoring step of the Score-CAM family: S = f(X ⊙ M) for masks made from chosen channels,
 * each mask used {@code repetitions} times, possibly perturbed (noise for SS-CAM, a scale for
 * IS-CAM), the scores of a channel averaged over its repetitions.
 *
 * <p>Row 0 is the baseline S_b = f(X ⊙ 0), the masked input of an all-zero map, never perturbed;
 * then the masked inputs channel by channel, repetition within channel, scored in batches in that
 * order. A perturbation is told each row's channel and repetition, so that what it does to a mask
 * does not depend on the batch the mask falls in. A channel whose map is constant has a zero mask:
 * its masked input is the baseline, S_k = S_b, without a pass. Every masked input keeps the
 * scores of all targets, so more targets cost no more passes.
 *
 * <p>A progressive run scores the channels largest variance first and, after each batch, hands
 * {@link Progress#partial} the maps from the channels scored so far (the others as if S_k = S_b).
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

    /** A method's channel weights for one target (by its place in the run's targets) from the scores. */
    @FunctionalInterface
    interface Weights {
        double[] of(MaskedScores scores, int target);
    }

    private final int layerChannels;
    private final int[] order;
    private final int repetitions;
    private final double[] baseline;
    private final double[][] sums;
    /** p^c of the baseline and the sums of p^c per channel, for the weightings that read probabilities. */
    private final double[] baselineProbability;
    private final double[][] probabilitySums;
    private int complete;

    private MaskedScores(int layerChannels, int[] order, int repetitions, int targets) {
        this.layerChannels = layerChannels;
        this.order = order;
        this.repetitions = repetitions;
        this.baseline = new double[targets];
        this.sums = new double[order.length][targets];
        this.baselineProbability = new double[targets];
        this.probabilitySums = new double[order.length][targets];
    }

    /**
     * Scores the masked inputs of {@code channels}, then weighs each target's channels and makes
     * its map.
     */
    static CamResult explain(CamRun run, int[] channels, int repetitions, Perturbation perturbation, int batchSize,
            Progress progress, Weights weights) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        int[] order = progress.progressive()
                ? CamMath.byVarianceDescending(CamMath.variance(run.activations), channels) // what shapes the map most, first
                : channels;
        MaskedScores scores = new MaskedScores(run.channels, order, repetitions, run.targets.size());
        int rows = 1 + order.length * repetitions;
        try (BatchScoring scoring = BatchScoring.on(run.input.getDevice(), run.network.lanes(),
                run.input.getManager(),
                (from, to, logits) -> {
                    scores.add(run, from, logits);
                    progress.maskedInputsScored(to, rows);
                    if (progress.progressive()) {
                        progress.partial(run.finish(t -> weights.of(scores, t)));
                    }
                })) {
            for (int from = 0; from < rows; from += batchSize) {
                int to = Math.min(from + batchSize, rows);
                int first = Math.max(from, 1);
                boolean withBaseline = from == 0;
                scoring.submit(from, to, batch -> run.network.forward(
                        scores.maskedInputs(run, first, to, withBaseline, perturbation, batch)));
            }
            scoring.finish();
        }
        return run.finish(t -> weights.of(scores, t));
    }

    /**
     * S_k - S_b of one target for every channel of the layer, from the mean over repetitions; 0 for
     * a channel not scored (a constant one, one not chosen, or in a progressive run one not yet).
     */
    double[] differences(int target) {
        double[] differences = new double[layerChannels];
        for (int j = 0; j < complete; j++) {
            differences[order[j]] = sums[j][target] / repetitions - baseline[target];
        }
        return differences;
    }

    /**
     * p^c(X ⊙ M^k) of one target for every channel of the layer, the mean over repetitions; 0 for
     * a channel not scored.
     */
    double[] probabilities(int target) {
        double[] probabilities = new double[layerChannels];
        for (int j = 0; j < complete; j++) {
            probabilities[order[j]] = probabilitySums[j][target] / repetitions;
        }
        return probabilities;
    }

    /** p^c(X ⊙ M^k) - p^c(X_b) of one target for every channel of the layer; 0 for a channel not scored. */
    double[] probabilityIncreases(int target) {
        double[] increases = new double[layerChannels];
        for (int j = 0; j < complete; j++) {
            increases[order[j]] = probabilitySums[j][target] / repetitions - baselineProbability[target];
        }
        return increases;
    }

    /** X ⊙ M for rows [first, to) (and X ⊙ 0 ahead of them with the baseline), (B,3,H,W). */
    private NDArray maskedInputs(CamRun run, int first, int to, boolean withBaseline, Perturbation perturbation,
            NDManager batch) {
        NDArray zero = batch.zeros(new Shape(1, 1, run.height, run.width));
        if (first == to) {
            return zero.mul(run.input);
        }
        int[] channelOfRow = new int[to - first];
        int[] repetitionOfRow = new int[to - first];
        for (int row = first; row < to; row++) {
            channelOfRow[row - first] = order[(row - 1) / repetitions];
            repetitionOfRow[row - first] = (row - 1) % repetitions;
        }
        NDArray maps = run.activations.get(new NDIndex("{}", batch.create(channelOfRow)));
        maps.attach(batch);
        NDArray masks = perturbation.apply(CamMath.masks(maps, run.height, run.width), channelOfRow, repetitionOfRow);
        if (withBaseline) {
            masks = zero.concat(masks);
        }
        return masks.mul(run.input);
    }

    private void add(CamRun run, int from, float[][] logits) {
        for (int i = 0; i < logits.length; i++) {
            int row = from + i;
            for (int t = 0; t < run.targets.size(); t++) {
                Target target = run.targets.get(t);
                float score = target.score(logits[i]);
                double probability = target.probability(logits[i]);
                if (row == 0) {
                    baseline[t] = score;
                    baselineProbability[t] = probability;
                } else {
                    sums[(row - 1) / repetitions][t] += score;
                    probabilitySums[(row - 1) / repetitions][t] += probability;
                }
            }
        }
        complete = (from + logits.length - 1) / repetitions;
    }

    /** Shape (B,1,1,1) of per-row factors, to scale a batch of masks. */
    static NDArray perRow(NDManager manager, float[] factors) {
        return manager.create(factors, new Shape(factors.length, 1, 1, 1));
    }
}
