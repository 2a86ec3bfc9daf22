package dev.scorecam.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.Network;
import dev.scorecam.imaging.InputFormat;

/**
 * Picks the batch size at warm-up: the candidate that scores the masked inputs of one Score-CAM
 * (K + 1: one per channel and the baseline) in the least time, ceil((K+1)/b) forwards of b
 * images each, measured on this device. Larger batches amortise per-call costs; past the cache
 * or the last full batch they stop paying, and that point depends on the model and the machine.
 */
final class BatchTuner {

    /** Powers of two: the sizes kernels are usually tuned for. */
    static final List<Integer> CANDIDATES = List.of(8, 16, 32, 64, 128, 256);

    /** The measurements, in the order they were taken, and the pick. */
    record Choice(int batchSize, List<Trial> trials) {
        String describe() {
            return trials.stream().map(Trial::describe).collect(Collectors.joining(", "));
        }
    }

    /** @param millis one forward of {@code batchSize} images; {@code costMillis} that times the forwards a Score-CAM needs */
    record Trial(int batchSize, double millis, double costMillis) {
        String describe() {
            return String.format(Locale.ROOT, "%d: %.1f ms/img", batchSize, millis / batchSize);
        }
    }

    private BatchTuner() {}

    /** The candidates worth trying: up to the first one that holds every masked input, within the limit. */
    static List<Integer> candidates(int maskedInputs, int maxBatchSize) {
        List<Integer> sizes = new ArrayList<>();
        for (int size : CANDIDATES) {
            if (size > maxBatchSize) {
                break;
            }
            sizes.add(size);
            if (size >= maskedInputs) {
                break;
            }
        }
        if (sizes.isEmpty()) {
            sizes.add(maxBatchSize);
        }
        return sizes;
    }

    /**
     * Times each candidate (two unmeasured forwards at the new shape first, then the faster of two
     * timed ones), stopping early once the budget is spent or two candidates in a row did worse
     * than the best.
     */
    static Choice choose(Network network, InputFormat input, int maskedInputs, int maxBatchSize, Duration budget,
            NDManager manager) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Trial> trials = new ArrayList<>();
        Trial best = null;
        int worse = 0;
        for (int size : candidates(maskedInputs, maxBatchSize)) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray batch = scope.zeros(new Shape(size, 3, input.height(), input.width()));
                // libtorch's graph executor profiles a new shape's first runs, slowly: not measured.
                scoreBatch(network, batch);
                scoreBatch(network, batch);
                // The faster of two: a busy moment on a shared machine slows one, rarely both.
                double millis = Double.MAX_VALUE;
                for (int i = 0; i < 2; i++) {
                    long start = System.nanoTime();
                    scoreBatch(network, batch);
                    millis = Math.min(millis, (System.nanoTime() - start) / 1e6);
                }
                Trial trial = new Trial(size, millis, millis * Math.ceil((double) maskedInputs / size));
                trials.add(trial);
                if (best == null || trial.costMillis() < best.costMillis()) {
                    best = trial;
                    worse = 0;
                } else {
                    worse++;
                }
            }
            if (worse >= 2 || System.nanoTime() > deadline) {
                break;
            }
        }
        return new Choice(best.batchSize(), List.copyOf(trials));
    }

    /**
     * A forward pass with its logits read back to the host, as Score-CAM reads each batch's scores.
     * On a GPU the forward only queues kernels: without the read the clock would stop at the launch.
     */
    private static void scoreBatch(Network network, NDArray batch) {
        try (NDArray logits = network.forward(batch)) {
            logits.toFloatArray();
        }
    }
}
