package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;

/**
 * What every CAM method does first and last: one pass of the input (activations A and logits),
 * the targets and the live channels, then the maps from the channel weights. Passes are counted
 * on the network as they happen (forward, backward and head-only apart), never derived from a formula.
 */
final class CamRun {

    final Network network;
    final NDArray input;
    /** A, (K,h,w). */
    final NDArray activations;
    final float[] logits;
    final List<Target> targets;
    /** The channels whose map is not constant; every other channel's mask is 0. */
    final int[] live;
    final int channels;
    final int height;
    final int width;
    private final LongAdder forwardImages = new LongAdder();
    private final LongAdder backwardImages = new LongAdder();
    private final LongAdder headImages = new LongAdder();

    private CamRun(Network model, NDArray input, Targets targets, ScoreKind score) {
        if (input.getShape().dimension() != 4 || input.getShape().get(0) != 1) {
            throw new IllegalArgumentException("input must be one image, (1,3,H,W): " + input.getShape());
        }
        this.network = new ObservedNetwork(model, forwardImages::add, backwardImages::add, headImages::add);
        this.input = input;
        this.height = (int) input.getShape().get(2);
        this.width = (int) input.getShape().get(3);
        Network.Pass pass = network.pass(input);
        this.activations = pass.activations().squeeze(0);
        this.channels = (int) activations.getShape().get(0);
        this.logits = pass.logits().toFloatArray();
        this.targets = targets.resolve(logits, score);
        this.live = CamMath.liveChannels(activations);
    }

    /** Runs features and head on the input: A, f(X), the targets to explain and the live channels. */
    static CamRun start(Network model, NDArray input, Targets targets, ScoreKind score) {
        return new CamRun(model, input, targets, score);
    }

    /** One map per target from its channel weights (L = ReLU(sum_k w_k A^k), normalised), with the counts. */
    CamResult finish(IntFunction<double[]> weightsOfTarget) {
        List<TargetMap> maps = new ArrayList<>(targets.size());
        for (int t = 0; t < targets.size(); t++) {
            maps.add(new TargetMap(targets.get(t),
                    CamMath.saliency(activations, weightsOfTarget.apply(t), height, width)));
        }
        return new CamResult(logits, maps, channels, live.length, forwardImages.intValue(), backwardImages.intValue(),
                headImages.intValue());
    }

    /** One map per target from a map the method made on the h x w grid ({@link CamMath#gridSaliency}). */
    CamResult finishMaps(IntFunction<Saliency> saliencyOfTarget) {
        List<TargetMap> maps = new ArrayList<>(targets.size());
        for (int t = 0; t < targets.size(); t++) {
            maps.add(new TargetMap(targets.get(t), saliencyOfTarget.apply(t)));
        }
        return new CamResult(logits, maps, channels, live.length, forwardImages.intValue(), backwardImages.intValue(),
                headImages.intValue());
    }
}
