package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * LayerCAM (Jiang et al., IEEE TIP 2021, "LayerCAM: Exploring Hierarchical Class Activation Maps
 * for Localization"): each activation weighted by its own positive gradient, not by a channel's
 * mean (the paper's Eq. 6 and 7):
 * <pre>
 *   w^kc_ij = ReLU(dS^c / dA^k_ij)
 *   L^c_ij  = ReLU(sum_k w^kc_ij A^k_ij)
 * </pre>
 * One forward and one backward pass through {@code head}, as Grad-CAM. The reported weights are
 * each channel's spatial mean of w^kc_ij.
 */
public final class LayerCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        return ElementwiseGradients.explain(network, input, targets, score, progress, g -> Math.max(0, g));
    }
}
