package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * A CNN classifier split at its target layer: {@code forward(x) = head(features(x))}.
 *
 * <p>Inputs are batches in the model's normalised input space, (N,3,H,W); results are attached
 * to the manager of the input.
 */
public interface Network {

    /** The activations A of the target layer, (N,K,h,w). */
    NDArray features(NDArray input);

    /** The rest of the network, from activations to logits, (N,classes). */
    NDArray head(NDArray activations);

    /** The whole network, (N,classes) logits. */
    NDArray forward(NDArray input);

    /**
     * One backward pass through {@code head}: dS/dA for S = sum over n, c of
     * outputGradient[n,c] * head(A)[n,c], so row n of {@code outputGradient} is dS_n/d logits of
     * image n. For the gradient methods (Grad-CAM, Grad-CAM++).
     *
     * @param activations A, (N,K,h,w)
     * @param outputGradient (N,classes)
     * @return dS/dA, (N,K,h,w)
     */
    default NDArray headGradient(NDArray activations, NDArray outputGradient) {
        throw new UnsupportedOperationException("this network computes no gradients");
    }
}
