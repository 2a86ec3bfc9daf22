package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * Grad-CAM++ (Chattopadhay et al., 2018, arXiv:1710.11063): the weight of a channel sums its
 * positive gradients, each weighted by alpha, so that several instances of a class all count.
 *
 * <p>With Y^c = exp(S^c) (the paper's Eq. 17) and S^c piecewise linear in A, the higher derivatives
 * are dY/dA = exp(S) g, d2Y/dA2 = exp(S) g^2, d3Y/dA3 = exp(S) g^3 for g = dS^c/dA^k_ij, and the
 * closed form of alpha (Eq. 19) loses exp(S):
 * <pre>
 *   alpha^kc_ij = g^2 / (2 g^2 + sum_ab A^k_ab g^3)        (0 where g = 0)
 *   w^c_k       = sum_ij alpha^kc_ij ReLU(dY^c/dA^k_ij) = exp(S^c) sum_ij alpha^kc_ij ReLU(g)   (Eq. 10)
 *   L^c         = ReLU(sum_k w^c_k A^k)
 * </pre>
 * exp(S^c) is one positive factor of every weight: it scales L and vanishes in the [0,1]
 * normalisation, so it is left out (as pytorch-grad-cam does; exp of a large logit overflows
 * float). The reported weights are sum_ij alpha ReLU(g). With {@code score=probability} the same
 * closed form is applied to the probability's gradient, as pytorch-grad-cam does for any target.
 * One forward and one backward pass, as Grad-CAM.
 */
public final class GradCamPlusPlus implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        CamRun run = CamRun.start(network, input, targets, score);
        TargetGradients gradients = TargetGradients.of(run);
        double[][] activations = TargetGradients.activations(run);
        progress.maskedInputsScored(1, 1);
        return run.finish(t -> weights(activations, gradients.of(t)));
    }

    /** w_k = sum_ij alpha_ij ReLU(g_ij), alpha from Eq. 19. */
    static double[] weights(double[][] activations, double[][] gradient) {
        double[] w = new double[gradient.length];
        for (int k = 0; k < gradient.length; k++) {
            double activationSum = 0;
            for (double a : activations[k]) {
                activationSum += a;
            }
            double sum = 0;
            for (double g : gradient[k]) {
                if (g > 0) { // ReLU(g); alpha only matters where g > 0
                    double g2 = g * g;
                    double denominator = 2 * g2 + activationSum * g2 * g;
                    sum += denominator == 0 ? 0 : g2 / denominator * g;
                }
            }
            w[k] = sum;
        }
        return w;
    }
}
