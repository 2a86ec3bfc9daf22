package dev.scorecam.model;

import ai.djl.ndarray.NDArray;

import dev.scorecam.cam.Network;

/**
 * A network that reports its forward passes. {@code features} starts a pass (Score-CAM follows it
 * with {@code head} on the activations) and {@code forward} is one; {@code head} alone is not.
 */
record ListenedNetwork(Network network, String model, ForwardPassListener listener) implements Network {

    @Override
    public NDArray features(NDArray input) {
        listener.forwardPass(model, input.getShape().get(0));
        return network.features(input);
    }

    @Override
    public NDArray head(NDArray activations) {
        return network.head(activations);
    }

    @Override
    public NDArray forward(NDArray input) {
        listener.forwardPass(model, input.getShape().get(0));
        return network.forward(input);
    }
}
