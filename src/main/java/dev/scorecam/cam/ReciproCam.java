package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Recipro-CAM (Byun and Lee, arXiv:2209.14074): the map is, at each cell of the target layer's
 * h x w grid, the class score of the activations reduced to that cell's neighbourhood, rescored
 * through {@code head} only.
 * <pre>
 *   F^(i,j)[:, i+di, j+dj] = G[di,dj] A[:, i, j]     (di, dj in {-1,0,1}, inside the grid; 0 elsewhere)
 *   G = [1 2 1; 2 4 2; 1 2 1] / 16                    (the paper's 3x3 Gaussian spatial mask)
 *   L^c[i,j] = S^c(head(F^(i,j)))
 * </pre>
 * As the authors' code does, the neighbours receive cell (i,j)'s own feature vector scaled by the
 * kernel, not their own activations. S^c is the request's score: the paper's softmax probability
 * with {@code score=probability}, the logit by default. The paper min-max normalises L on the grid;
 * here L - min L is upsampled and min-max normalised as every map (the same map up to the
 * interpolation), so a class that scores the same everywhere gets an all-zero map. The reported
 * weights are the h*w cell scores, row-major. One forward pass and h*w head passes in batches,
 * for every target together.
 */
public final class ReciproCam implements CamMethod {

    /** G, row-major. */
    static final float[] KERNEL = {1 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 4 / 16f, 2 / 16f, 1 / 16f, 2 / 16f, 1 / 16f};

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        int h = (int) run.activations.getShape().get(1);
        int w = (int) run.activations.getShape().get(2);
        int cells = h * w;
        NDArray byCell = run.activations.reshape(run.channels, cells).transpose();  // (h*w, K)
        float[][] logits = HeadScores.of(run, cells, batchSize, progress, (scope, from, to) -> {
            NDArray vectors = byCell.get(from + ":" + to).reshape(to - from, run.channels, 1, 1);
            vectors.attach(scope);
            // the mask first, so that the product lives in the batch's scope and is freed with it
            return scope.create(masks(from, to, h, w), new Shape(to - from, 1, h, w)).mul(vectors);
        });
        return run.finishMaps(t -> {
            Target target = run.targets.get(t);
            double[] scores = new double[cells];
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < cells; i++) {
                scores[i] = target.score(logits[i]);
                min = Math.min(min, scores[i]);
            }
            double[] shifted = new double[cells];
            for (int i = 0; i < cells; i++) {
                shifted[i] = scores[i] - min;
            }
            return CamMath.gridSaliency(run.activations.getManager(), shifted, h, w, scores, run.height, run.width);
        });
    }

    /** The spatial masks of cells [from, to): G centred on the cell, cut at the grid's edges, (to-from)*h*w. */
    static float[] masks(int from, int to, int h, int w) {
        float[] masks = new float[(to - from) * h * w];
        for (int cell = from; cell < to; cell++) {
            int i = cell / w;
            int j = cell % w;
            for (int di = -1; di <= 1; di++) {
                for (int dj = -1; dj <= 1; dj++) {
                    if (i + di >= 0 && i + di < h && j + dj >= 0 && j + dj < w) {
                        masks[(cell - from) * h * w + (i + di) * w + j + dj] = KERNEL[(di + 1) * 3 + dj + 1];
                    }
                }
            }
        }
        return masks;
    }
}
