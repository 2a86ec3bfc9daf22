package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM (Selvaraju et al., 2017, arXiv:1610.02391): channel weights from the gradient of the
 * class score, averaged over the map (the paper's Eq. 1 and 2):
 * <pre>
 *   alpha^c_k = (1/Z) sum_i sum_j dS^c / dA^k_ij        (Z = h*w cells)
 *   L^c       = ReLU(sum_k alpha^c_k A^k)
 * </pre>
 * The gradient flows through the model's {@code head} only (activations to logits): one forward
 * pass and one backward pass for every target class together. S^c is the logit y^c as in the
 * paper, or the probability with {@code score=probability}.
 */
public final class GradCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        TargetGradients gradients = TargetGradients.of(run);
        progress.maskedInputsScored(1, 1);
        return run.finish(t -> weights(gradients.of(t)));
    }

    /** alpha_k: the spatial mean of dS/dA^k. */
    static double[] weights(double[][] gradient) {
        double[] alpha = new double[gradient.length];
        for (int k = 0; k < gradient.length; k++) {
            double sum = 0;
            for (double g : gradient[k]) {
                sum += g;
            }
            alpha[k] = sum / gradient[k].length;
        }
        return alpha;
    }
}
