package dev.scorecam.cam;

import java.util.function.DoubleUnaryOperator;

import ai.djl.ndarray.NDArray;

/**
 * The gradient methods that weigh each activation rather than each channel (LayerCAM, HiResCAM):
 * L^c_ij = ReLU(sum_k f(g^kc_ij) A^k_ij) for g = dS^c/dA from one backward pass through
 * {@code head}; each channel's spatial mean of f(g) is reported as its weight.
 */
final class ElementwiseGradients {

    private ElementwiseGradients() {}

    static CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, Progress progress,
            DoubleUnaryOperator weightOfGradient) {
        CamRun run = CamRun.start(network, input, targets, score);
        TargetGradients gradients = TargetGradients.of(run);
        double[][] a = TargetGradients.activations(run);
        progress.maskedInputsScored(1, 1);
        int h = (int) run.activations.getShape().get(1);
        int w = (int) run.activations.getShape().get(2);
        return run.finishMaps(t -> {
            double[][] g = gradients.of(t);
            double[] cells = new double[h * w];
            double[] weights = new double[a.length];
            for (int k = 0; k < a.length; k++) {
                for (int i = 0; i < cells.length; i++) {
                    double weight = weightOfGradient.applyAsDouble(g[k][i]);
                    cells[i] += weight * a[k][i];
                    weights[k] += weight;
                }
                weights[k] /= cells.length;
            }
            for (int i = 0; i < cells.length; i++) {
                cells[i] = Math.max(0, cells[i]);
            }
            return CamMath.gridSaliency(run.activations.getManager(), cells, h, w, weights, run.height, run.width);
        });
    }
}
