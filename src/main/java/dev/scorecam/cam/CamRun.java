package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;

/**
 * What every CAM method does first and last: one pass of the input (activations A and logits),
 * the target classes, and the maps from the channel weights. Passes are counted on the network
 * as they happen (forward and backward apart), never derived from a formula.
 */
final class CamRun {

    final Network network;
    /** A, (K,h,w). */
    final NDArray activations;
    final float[] logits;
    final int[] classes;
    final int channels;
    final int height;
    final int width;
    private final LongAdder forwardImages = new LongAdder();
    private final LongAdder backwardImages = new LongAdder();

    private CamRun(Network model, NDArray input, Targets targets) {
        if (input.getShape().dimension() != 4 || input.getShape().get(0) != 1) {
            throw new IllegalArgumentException("input must be one image, (1,3,H,W): " + input.getShape());
        }
        this.network = new ObservedNetwork(model, forwardImages::add, backwardImages::add);
        this.height = (int) input.getShape().get(2);
        this.width = (int) input.getShape().get(3);
        this.activations = network.features(input).squeeze(0);
        this.channels = (int) activations.getShape().get(0);
        this.logits = network.head(activations.expandDims(0)).toFloatArray();
        this.classes = targets.select(logits);
        for (int c : classes) {
            if (c < 0 || c >= logits.length) {
                throw new IllegalArgumentException("target class " + c + " is not in [0," + logits.length + ")");
            }
        }
    }

    /** Runs features and head on the input: A, f(X) and the classes to explain. */
    static CamRun start(Network model, NDArray input, Targets targets) {
        return new CamRun(model, input, targets);
    }

    static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
    }

    /** One map per target class from its channel weights (L = ReLU(sum_k w_k A^k), normalised), with the counts. */
    ScoreCamResult finish(IntFunction<double[]> weightsOfClass, int liveChannels) {
        List<ClassExplanation> explanations = new ArrayList<>(classes.length);
        for (int c : classes) {
            explanations.add(new ClassExplanation(c, ScoreCam.saliency(activations, weightsOfClass.apply(c), height, width)));
        }
        return new ScoreCamResult(logits, explanations, channels, liveChannels, forwardImages.intValue(),
                backwardImages.intValue());
    }
}
