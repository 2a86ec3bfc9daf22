package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * HiResCAM (Draelos and Carin, arXiv:2011.08891): the gradient multiplies the activations element
 * by element instead of being averaged per channel first, so that the map is the exact share of
 * each cell in the score when the head is a pooling and a linear layer:
 * <pre>
 *   L^c_ij = ReLU(sum_k (dS^c / dA^k_ij) A^k_ij)
 * </pre>
 * One forward and one backward pass through {@code head}, as Grad-CAM. The reported weights are
 * each channel's spatial mean of the gradient, which are Grad-CAM's.
 */
public final class HiResCam implements CamMethod {

    @Override
    public CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress) {
        return ElementwiseGradients.explain(network, input, targets, score, progress, g -> g);
    }
}
