package dev.scorecam.cam;

import java.util.ArrayDeque;
import java.util.Deque;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Forward passes over batches of masked inputs, their scores read back in the order submitted.
 *
 * <p>On a GPU a forward pass only queues kernels, and reading its logits waits for them. Reading
 * batch i before building batch i+1 would leave the device idle while the host builds each batch
 * and launches its kernels, so there the next batch is queued first and the previous one read
 * after. On the CPU every engine call computes at once: one batch at a time keeps memory lowest.
 * Each batch lives in its own sub-manager, closed once its scores are read.
 */
final class BatchScoring implements AutoCloseable {

    /** Builds one batch's masked inputs in {@code scope} and returns the network's logits for them. */
    @FunctionalInterface
    interface Batch {
        NDArray logits(NDManager scope);
    }

    /** Told the scores of rows {@code [from, to)}, batch by batch, in order. */
    @FunctionalInterface
    interface Scored {
        void scored(int from, int to, float[][] scores);
    }

    private record InFlight(NDManager scope, NDArray logits, int from, int to) {}

    private final NDManager parent;
    private final ScoreType scoreType;
    private final int ahead;
    private final Scored sink;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();

    /** @param ahead batches queued beyond the one being read: 1 on a GPU, 0 on the CPU */
    BatchScoring(NDManager parent, ScoreType scoreType, int ahead, Scored sink) {
        this.parent = parent;
        this.scoreType = scoreType;
        this.ahead = ahead;
        this.sink = sink;
    }

    /** For batches of inputs on {@code device}. */
    static BatchScoring on(Device device, NDManager parent, ScoreType scoreType, Scored sink) {
        return new BatchScoring(parent, scoreType, device.isGpu() ? 1 : 0, sink);
    }

    /** Queues rows {@code [from, to)}; reads the oldest batch once more than {@code ahead} wait. */
    void submit(int from, int to, Batch batch) {
        NDManager scope = parent.newSubManager();
        try {
            inFlight.add(new InFlight(scope, batch.logits(scope), from, to));
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
        while (inFlight.size() > ahead) {
            readOldest();
        }
    }

    /** Reads every batch still in flight. */
    void finish() {
        while (!inFlight.isEmpty()) {
            readOldest();
        }
    }

    private void readOldest() {
        InFlight oldest = inFlight.poll();
        float[][] scores;
        try (NDManager scope = oldest.scope()) {
            scores = ScoreCam.classScores(oldest.logits(), scoreType);
        }
        sink.scored(oldest.from(), oldest.to(), scores);
    }

    /** Frees batches never read (a failure or a cancellation between batches). */
    @Override
    public void close() {
        inFlight.forEach(unread -> unread.scope().close());
        inFlight.clear();
    }
}
