package dev.scorecam.cam;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Forward passes over batches of masked inputs, their logits read back in the order submitted.
 *
 * <p>On a GPU a forward pass only queues kernels, and reading its logits waits for them. Reading
 * batch i before building batch i+1 would leave the device idle while the host builds each batch
 * and launches its kernels, so there the next batch is queued first and the previous one read
 * after. On the CPU every engine call computes at once: with {@link ForwardLanes} of the network,
 * as many batches as it has lanes compute side by side, each built, forwarded and read on its
 * lane; without, one batch at a time on the caller's thread keeps memory lowest. Each batch lives
 * in its own sub-manager, closed once its logits are read. The sink is told on the caller's thread.
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

    /** A batch submitted and not read yet: its rows once computed, and how to free it unread. */
    private interface InFlight {
        int from();

        int to();

        float[][] rows();

        void discard();
    }

    /** Queued on the device, read on the caller's thread. */
    private record Queued(NDManager scope, NDArray logits, int from, int to) implements InFlight {
        @Override
        public float[][] rows() {
            try (scope) {
                return BatchScoring.rows(logits);
            }
        }

        @Override
        public void discard() {
            scope.close();
        }
    }

    /** Computed and read on a lane, which closes its scope. */
    private record OnLane(CompletableFuture<float[][]> computed, int from, int to) implements InFlight {
        @Override
        public float[][] rows() {
            try {
                return computed.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error cause) {
                    throw cause;
                }
                throw e;
            }
        }

        /** Waits for the lane: the batch reads arrays of the run that its caller frees next. */
        @Override
        public void discard() {
            computed.handle((rows, failure) -> null).join();
        }
    }

    private final NDManager parent;
    private final ForwardLanes lanes;
    private final int ahead;
    private final Scored sink;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();

    /**
     * @param lanes where batches compute, {@link ForwardLanes#NONE} for the caller's thread
     * @param ahead batches submitted beyond the one being read
     */
    BatchScoring(NDManager parent, ForwardLanes lanes, int ahead, Scored sink) {
        this.parent = parent;
        this.lanes = lanes;
        this.ahead = ahead;
        this.sink = sink;
    }

    /** For batches of inputs on {@code device}: queued one ahead on a GPU, on the lanes of the CPU. */
    static BatchScoring on(Device device, ForwardLanes lanes, NDManager parent, Scored sink) {
        if (device.isGpu() || lanes.count() < 2) {
            return new BatchScoring(parent, ForwardLanes.NONE, device.isGpu() ? 1 : 0, sink);
        }
        return new BatchScoring(parent, lanes, lanes.count() - 1, sink);
    }

    /** Submits rows {@code [from, to)}; reads the oldest batch once more than {@code ahead} wait. */
    void submit(int from, int to, Batch batch) {
        if (lanes == ForwardLanes.NONE) {
            NDManager scope = parent.newSubManager();
            try {
                inFlight.add(new Queued(scope, batch.logits(scope), from, to));
            } catch (RuntimeException e) {
                scope.close();
                throw e;
            }
        } else {
            inFlight.add(new OnLane(lanes.submit(() -> {
                try (NDManager scope = parent.newSubManager()) {
                    return rows(batch.logits(scope));
                }
            }), from, to));
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
        sink.scored(oldest.from(), oldest.to(), oldest.rows());
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

    /** Frees batches never read (a failure or a cancellation between batches), after their lanes are done. */
    @Override
    public void close() {
        inFlight.forEach(InFlight::discard);
        inFlight.clear();
    }
}
