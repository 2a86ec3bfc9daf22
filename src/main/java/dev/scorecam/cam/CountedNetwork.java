package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * Counts the images one computation runs through the whole network, as the calls happen:
 * {@code features} starts a pass (its {@code head} on the same activations finishes it, so
 * {@code head} alone adds none) and {@code forward} is one pass per image of its batch.
 * One per computation, on one thread.
 */
final class CountedNetwork implements Network {

    private final Network network;
    private int images;

    CountedNetwork(Network network) {
        this.network = network;
    }

    @Override
    public NDArray features(NDArray input) {
        images += (int) input.getShape().get(0);
        return network.features(input);
    }

    @Override
    public NDArray head(NDArray activations) {
        return network.head(activations);
    }

    @Override
    public NDArray forward(NDArray input) {
        images += (int) input.getShape().get(0);
        return network.forward(input);
    }

    /** Images run through the network so far. */
    int images() {
        return images;
    }
}
