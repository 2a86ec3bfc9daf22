package dev.scorecam.cam;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.LongConsumer;

import ai.djl.ndarray.NDArray;

/**
 * A network that tells of each pass through it as the call happens, with the number of images:
 * {@code features} starts a pass (its {@code head} on the same activations finishes it) and
 * {@code forward} is one; {@code head} on activations it did not hand out (a method's modified
 * copies) is a head-only pass, and {@code headGradient} a backward pass, each told apart. Every
 * CAM run counts its passes with it; the served model reports them to metrics.
 */
public final class ObservedNetwork implements Network {

    private final Network network;
    private final LongConsumer passes;
    private final LongConsumer backwardPasses;
    private final LongConsumer headPasses;
    /** Activations from {@code features} whose pass a {@code head} on them finishes; lanes call {@code head} at once. */
    private final Set<NDArray> started = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    /** @param passes told the batch size of each pass; called on the computing thread, must not throw */
    public ObservedNetwork(Network network, LongConsumer passes) {
        this(network, passes, images -> {}, images -> {});
    }

    /**
     * @param backwardPasses told the batch size of each backward pass through {@code head}, likewise
     * @param headPasses told the batch size of each pass through {@code head} alone, likewise
     */
    public ObservedNetwork(Network network, LongConsumer passes, LongConsumer backwardPasses,
            LongConsumer headPasses) {
        this.network = network;
        this.passes = passes;
        this.backwardPasses = backwardPasses;
        this.headPasses = headPasses;
    }

    @Override
    public NDArray features(NDArray input) {
        passes.accept(input.getShape().get(0));
        NDArray activations = network.features(input);
        started.add(activations);
        return activations;
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
    public ForwardLanes lanes() {
        return network.lanes();
    }

    @Override
    public NDArray head(NDArray activations) {
        if (!started.remove(activations)) {
            headPasses.accept(activations.getShape().get(0));
        }
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
