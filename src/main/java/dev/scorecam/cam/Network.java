package dev.scorecam.cam;

import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;

/**
 * A CNN classifier split at its target layer: {@code forward(x) = head(features(x))}.
 *
 * <p>Inputs are batches in the model's normalised input space, (N,3,H,W); results are attached
 * to the manager of the input.
 */
public interface Network {

    /** What a network can do beyond features and forward, and so which methods it can run. */
    enum Capability {
        /** {@link #head}: logits from activations the method changed. */
        HEAD,
        /** {@link #headGradient}: a backward pass. */
        GRADIENTS
    }

    /** The activations and logits of one pass of the input. */
    record Pass(NDArray activations, NDArray logits) {}

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

    /** One pass of the input that gives both A and the logits; by default {@code features} then {@code head}. */
    default Pass pass(NDArray input) {
        NDArray activations = features(input);
        return new Pass(activations, head(activations));
    }

    /**
     * Where batches of masked inputs (or of modified activations) go to be computed side by side;
     * by default nowhere: one at a time, on the caller's thread.
     */
    default ForwardLanes lanes() {
        return ForwardLanes.NONE;
    }

    /** What this network offers; by default everything (an engine that cannot do something says so). */
    default Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }
}
