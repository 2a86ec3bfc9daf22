package dev.scorecam.model;

import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import dev.scorecam.cam.ForwardLanes;
import dev.scorecam.cam.Network;

/**
 * A network whose package has no usable head (a target layer with prefix tokens, see
 * {@link ActivationLayout#hasHead()}): it offers the methods that need only features and forward.
 */
final class HeadlessNetwork implements Network {

    private final Network network;

    HeadlessNetwork(Network network) {
        this.network = network;
    }

    @Override
    public NDArray features(NDArray input) {
        return network.features(input);
    }

    @Override
    public NDArray head(NDArray activations) {
        throw new UnsupportedOperationException("this model's target layer has prefix tokens: it has no head");
    }

    @Override
    public NDArray forward(NDArray input) {
        return network.forward(input);
    }

    @Override
    public Pass pass(NDArray input) {
        return new Pass(features(input), forward(input));
    }

    @Override
    public ForwardLanes lanes() {
        return network.lanes();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }
}
