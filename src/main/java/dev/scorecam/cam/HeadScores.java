package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The scoring step of the methods that rescore modified activations through {@code head} only
 * (Ablation-CAM, Recipro-CAM): no pass through {@code features}, so each modified copy of A costs
 * one head pass, in batches of up to {@link #BATCH_BYTES}, read back in order. Batches go through {@link BatchScoring}, so on a
 * GPU the next batch is queued before the previous one is read.
 */
final class HeadScores {

    /** Builds the modified activations of rows {@code [from, to)} in {@code scope}, (to-from,K,h,w). */
    @FunctionalInterface
    interface Modified {
        NDArray rows(NDManager scope, int from, int to);
    }

    /**
     * The most bytes of modified activations one head call is given. A head pass costs little
     * beside a call's own (a pooling and a matrix product for a ResNet), so batches of the size
     * tuned for whole passes spend much of the time between calls; very large ones spend it
     * allocating and writing the copies. For a ResNet-50's 2048 ablated copies at 224 px,
     * Ablation-CAM's time outside the network was 23% in calls of 8 copies, 10% in calls of 41
     * (16 MiB), 15-19% in calls of 167 (64 MiB). A batch is never smaller than the one asked.
     */
    static final long BATCH_BYTES = 16L << 20;

    private HeadScores() {}

    /** Rows per head call for {@code count} copies of {@code rowFloats} floats each. */
    static int batchRows(int batchSize, long rowFloats, int count) {
        long fit = Math.max(1, BATCH_BYTES / (rowFloats * Float.BYTES));
        return (int) Math.max(1, Math.min(count, Math.max(batchSize, fit)));
    }

    /** The logits of {@code count} modified copies of A, one row each. */
    static float[][] of(CamRun run, int count, int batchSize, Progress progress, Modified modified) {
        float[][] logits = new float[count][];
        int batch = batchRows(batchSize, run.activations.size(), count);
        try (BatchScoring scoring = BatchScoring.on(run.input.getDevice(), run.network.lanes(),
                run.activations.getManager(),
                (from, to, rows) -> {
                    System.arraycopy(rows, 0, logits, from, to - from);
                    progress.maskedInputsScored(to, count);
                })) {
            for (int from = 0; from < count; from += batch) {
                int start = from;
                int end = Math.min(count, from + batch);
                scoring.submit(start, end, scope -> run.network.head(modified.rows(scope, start, end)));
            }
            scoring.finish();
        }
        return logits;
    }
}
