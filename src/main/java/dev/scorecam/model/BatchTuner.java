package dev.scorecam.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.Network;
import dev.scorecam.imaging.InputFormat;

/**
 * Picks the batch size at warm-up: the candidate that scores the masked inputs of one Score-CAM
 * (K + 1: one per channel and the baseline) in the least time, ceil((K+1)/b) forwards of b
 * images each, measured on this device as they will run: with lanes, a round of one batch per
 * lane side by side, ceil(ceil((K+1)/b) / lanes) rounds. Larger batches amortise per-call costs;
 * past the cache or the last full batch they stop paying, and that point depends on the model and
 * the machine.
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

    /**
     * @param millis one round: a forward of {@code batchSize} images on each of {@code lanes}
     * @param costMillis that times the rounds a Score-CAM needs
     */
    record Trial(int batchSize, int lanes, double millis, double costMillis) {
        String describe() {
            return String.format(Locale.ROOT, "%d: %.1f ms/img", batchSize, millis / (batchSize * lanes));
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

    /** Rounds over the candidates after the first pass, time permitting: a drift of the machine's speed spreads over all. */
    static final int EXTRA_ROUNDS = 3;

    /**
     * Times each candidate (two unmeasured forwards at the new shape first, then two timed ones),
     * stopping early once the budget is spent or two candidates in a row did worse than the best;
     * then, while the budget lasts, up to {@link #EXTRA_ROUNDS} rounds time every candidate kept
     * once more, in alternating order. A candidate's time is the lower median of its timings: the
     * faster of two when only the first pass ran. A slow spell of a shared machine during one
     * candidate's first timings no longer decides the pick.
     */
    static Choice choose(Network network, InputFormat input, int maskedInputs, int maxBatchSize, Duration budget,
            NDManager manager) {
        long deadline = System.nanoTime() + budget.toNanos();
        int lanes = network.lanes().count();          // 1 on a GPU: networks have lanes on the CPU only
        Map<Integer, List<Double>> timings = new LinkedHashMap<>();   // in the order measured
        Trial best = null;
        int worse = 0;
        for (int size : candidates(maskedInputs, maxBatchSize)) {
            List<Double> times = new ArrayList<>();
            try (NDManager scope = manager.newSubManager()) {
                NDArray batch = scope.zeros(new Shape(size, 3, input.height(), input.width()));
                // libtorch's graph executor profiles a new shape's first runs, slowly: not measured.
                scoreRound(network, batch);
                scoreRound(network, batch);
                times.add(timed(network, batch));
                times.add(timed(network, batch));
            }
            timings.put(size, times);
            Trial trial = trial(size, lanes, times, maskedInputs);
            if (best == null || trial.costMillis() < best.costMillis()) {
                best = trial;
                worse = 0;
            } else {
                worse++;
            }
            if (worse >= 2 || System.nanoTime() > deadline) {
                break;
            }
        }
        extraRounds:
        for (int round = 0; round < EXTRA_ROUNDS; round++) {
            List<Integer> order = new ArrayList<>(timings.keySet());
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            for (int size : order) {
                if (System.nanoTime() > deadline) {
                    break extraRounds;
                }
                try (NDManager scope = manager.newSubManager()) {
                    timings.get(size).add(timed(network, scope.zeros(new Shape(size, 3, input.height(), input.width()))));
                }
            }
        }
        List<Trial> trials = timings.entrySet().stream()
                .map(measured -> trial(measured.getKey(), lanes, measured.getValue(), maskedInputs))
                .toList();
        Trial pick = trials.stream().min(Comparator.comparingDouble(Trial::costMillis)).orElseThrow();
        return new Choice(pick.batchSize(), trials);
    }

    private static Trial trial(int size, int lanes, List<Double> times, int maskedInputs) {
        double millis = lowerMedian(times);
        double batches = Math.ceil((double) maskedInputs / size);
        return new Trial(size, lanes, millis, millis * Math.ceil(batches / lanes));
    }

    /** The middle value, or the lower of the two middle ones: with two timings, the faster. */
    static double lowerMedian(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static double timed(Network network, NDArray batch) {
        long start = System.nanoTime();
        scoreRound(network, batch);
        return (System.nanoTime() - start) / 1e6;
    }

    /** One forward of {@code batch} on each of the network's lanes side by side (without lanes, on this thread). */
    static void scoreRound(Network network, NDArray batch) {
        int lanes = network.lanes().count();
        if (lanes < 2) {
            scoreBatch(network, batch);
            return;
        }
        List<CompletableFuture<Void>> round = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            round.add(network.lanes().submit(() -> {
                scoreBatch(network, batch);
                return null;
            }));
        }
        round.forEach(CompletableFuture::join);
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
