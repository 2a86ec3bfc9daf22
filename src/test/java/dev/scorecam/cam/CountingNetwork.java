package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * The test's own tally of what a computation asks of the network, kept apart from the code under
 * test: images and calls through the whole network ({@code features} or {@code forward}; a
 * {@code head} on features' activations finishes that pass), images through {@code head} alone,
 * backward passes through {@code head}, and the activations it handed out.
 */
final class CountingNetwork implements Network {

    private final Network network;
    private int images;
    private int featureImages;
    private int headImages;
    private int headCalls;
    private int featureCalls;
    private int calls;
    private int backwardImages;
    private int backwardCalls;
    private final List<float[][]> activations = new ArrayList<>();

    CountingNetwork(Network network) {
        this.network = network;
    }

    @Override
    public NDArray features(NDArray input) {
        count(input);
        featureImages += (int) input.getShape().get(0);
        featureCalls++;
        NDArray a = network.features(input);
        int channels = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        int cells = flat.length / (int) a.getShape().get(0) / channels;
        for (int image = 0; image < a.getShape().get(0); image++) {
            float[][] maps = new float[channels][cells];
            for (int k = 0; k < channels; k++) {
                System.arraycopy(flat, (image * channels + k) * cells, maps[k], 0, cells);
            }
            activations.add(maps);
        }
        return a;
    }

    @Override
    public NDArray head(NDArray a) {
        headImages += (int) a.getShape().get(0);
        headCalls++;
        return network.head(a);
    }

    @Override
    public NDArray forward(NDArray input) {
        count(input);
        return network.forward(input);
    }

    @Override
    public NDArray headGradient(NDArray a, NDArray outputGradient) {
        backwardImages += (int) a.getShape().get(0);
        backwardCalls++;
        return network.headGradient(a, outputGradient);
    }

    private void count(NDArray input) {
        images += (int) input.getShape().get(0);
        calls++;
    }

    int images() {
        return images;
    }

    int calls() {
        return calls;
    }

    /** Images through head beyond those that finish a pass of features: activations rescored alone. */
    int headOnlyImages() {
        return headImages - featureImages;
    }

    /** Calls of head beyond those that finish a pass of features. */
    int headOnlyCalls() {
        return headCalls - featureCalls;
    }

    /** Images back-propagated through head. */
    int backwardImages() {
        return backwardImages;
    }

    int backwardCalls() {
        return backwardCalls;
    }

    /** Channels of the first image's activations that are not one value everywhere, as read here. */
    int nonConstantChannels() {
        int count = 0;
        for (float[] map : activations.get(0)) {
            for (float v : map) {
                if (v != map[0]) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }
}
