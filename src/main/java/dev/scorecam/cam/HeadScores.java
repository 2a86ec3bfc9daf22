package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The scoring step of the methods that rescore modified activations through {@code head} only
 * (Ablation-CAM, Recipro-CAM): no pass through {@code features}, so each modified copy of A costs
 * one head pass, in batches, read back in order. Batches go through {@link BatchScoring}, so on a
 * GPU the next batch is queued before the previous one is read.
 */
final class HeadScores {

    /** Builds the modified activations of rows {@code [from, to)} in {@code scope}, (to-from,K,h,w). */
    @FunctionalInterface
    interface Modified {
        NDArray rows(NDManager scope, int from, int to);
    }

    private HeadScores() {}

    /** The logits of {@code count} modified copies of A, one row each. */
    static float[][] of(CamRun run, int count, int batchSize, Progress progress, Modified modified) {
        float[][] logits = new float[count][];
        int batch = Math.max(1, batchSize);
        try (BatchScoring scoring = BatchScoring.on(run.input.getDevice(), run.activations.getManager(),
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
