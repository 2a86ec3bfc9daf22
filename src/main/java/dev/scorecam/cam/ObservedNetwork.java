package dev.scorecam.cam;

import java.util.Set;
import java.util.function.LongConsumer;

import ai.djl.ndarray.NDArray;

/**
 * A network that tells of each pass through it as the call happens, with the number of images:
 * {@code features} starts a pass (its {@code head} on the same activations finishes it, so
 * {@code head} alone tells nothing) and {@code forward} is one; {@code headGradient} is a backward
 * pass, told apart. Every CAM run counts its passes with it; the served model reports them to
 * metrics.
 */
public final class ObservedNetwork implements Network {

    private final Network network;
    private final LongConsumer passes;
    private final LongConsumer backwardPasses;

    /** @param passes told the batch size of each pass; called on the computing thread, must not throw */
    public ObservedNetwork(Network network, LongConsumer passes) {
        this(network, passes, images -> {});
    }

    /** @param backwardPasses told the batch size of each backward pass through {@code head}, likewise */
    public ObservedNetwork(Network network, LongConsumer passes, LongConsumer backwardPasses) {
        this.network = network;
        this.passes = passes;
        this.backwardPasses = backwardPasses;
    }

    @Override
    public NDArray features(NDArray input) {
        passes.accept(input.getShape().get(0));
        return network.features(input);
    }

    @Override
    public Pass pass(NDArray input) {
        passes.accept(input.getShape().get(0));
        return network.pass(input);
    }

    @Override
    public Set<Capability> capabilities() {
        return network.capabilities();
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

    @Override
    public NDArray headGradient(NDArray activations, NDArray outputGradient) {
        backwardPasses.accept(activations.getShape().get(0));
        return network.headGradient(activations, outputGradient);
    }
}
