package dev.scorecam.cam;

import java.util.ArrayDeque;
import java.util.Deque;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Forward passes over batches of masked inputs, their logits read back in the order submitted.
 *
 * <p>On a GPU a forward pass only queues kernels, and reading its logits waits for them. Reading
 * batch i before building batch i+1 would leave the device idle while the host builds each batch
 * and launches its kernels, so there the next batch is queued first and the previous one read
 * after. On the CPU every engine call computes at once: one batch at a time keeps memory lowest.
 * Each batch lives in its own sub-manager, closed once its logits are read.
 */
final class BatchScoring implements AutoCloseable {

    /** Builds one batch's masked inputs in {@code scope} and returns the network's logits for them. */
    @FunctionalInterface
    interface Batch {
        NDArray logits(NDManager scope);
    }

    /** Told the logits of rows {@code [from, to)}, one row per image, batch by batch, in order. */
    @FunctionalInterface
    interface Scored {
        void scored(int from, int to, float[][] logits);
    }

    private record InFlight(NDManager scope, NDArray logits, int from, int to) {}

    private final NDManager parent;
    private final int ahead;
    private final Scored sink;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();

    /** @param ahead batches queued beyond the one being read: 1 on a GPU, 0 on the CPU */
    BatchScoring(NDManager parent, int ahead, Scored sink) {
        this.parent = parent;
        this.ahead = ahead;
        this.sink = sink;
    }

    /** For batches of inputs on {@code device}. */
    static BatchScoring on(Device device, NDManager parent, Scored sink) {
        return new BatchScoring(parent, device.isGpu() ? 1 : 0, sink);
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
        float[][] rows;
        try (NDManager scope = oldest.scope()) {
            rows = rows(oldest.logits());
        }
        sink.scored(oldest.from(), oldest.to(), rows);
    }

    private static float[][] rows(NDArray logits) {
        int images = (int) logits.getShape().get(0);
        int classes = (int) logits.getShape().get(1);
        float[] flat = logits.toFloatArray();
        float[][] rows = new float[images][classes];
        for (int i = 0; i < images; i++) {
            System.arraycopy(flat, i * classes, rows[i], 0, classes);
        }
        return rows;
    }

    /** Frees batches never read (a failure or a cancellation between batches). */
    @Override
    public void close() {
        inFlight.forEach(unread -> unread.scope().close());
        inFlight.clear();
    }
}
