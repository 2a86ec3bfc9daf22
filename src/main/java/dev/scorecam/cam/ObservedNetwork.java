package dev.scorecam.cam;

import java.util.function.LongConsumer;

import ai.djl.ndarray.NDArray;

/**
 * A network that tells of each pass through it as the call happens, with the number of images:
 * {@code features} starts a pass (its {@code head} on the same activations finishes it, so
 * {@code head} alone tells nothing) and {@code forward} is one. Score-CAM counts its passes with it;
 * the served model reports them to metrics.
 */
public final class ObservedNetwork implements Network {

    private final Network network;
    private final LongConsumer passes;

    /** @param passes told the batch size of each pass; called on the computing thread, must not throw */
    public ObservedNetwork(Network network, LongConsumer passes) {
        this.network = network;
        this.passes = passes;
    }

    @Override
    public NDArray features(NDArray input) {
        passes.accept(input.getShape().get(0));
        return network.features(input);
    }

    @Override
    public NDArray head(NDArray activations) {
        return network.head(activations);
    }

    @Override
    public NDArray forward(NDArray input) {
        passes.accept(input.getShape().get(0));
        return network.forward(input);
    }
}
