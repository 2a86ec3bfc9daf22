package dev.scorecam.cam;

import java.util.List;

/**
 * What one run of a CAM method produced.
 *
 * @param logits the input's own logits, for the predictions
 * @param maps one per target, in the order asked
 * @param channels K, the channels of the target layer
 * @param liveChannels channels whose activation map is not constant: one masked forward each
 * @param forwardPasses images run through the whole network, counted as the calls were made
 *     (for Score-CAM: the input, the baseline and one masked input per live channel, whatever the targets)
 * @param backwardPasses images back-propagated through {@code head} (the gradient methods: one per target)
 * @param headPasses modified activations rescored through {@code head} alone, counted as the calls were made
 *     (Recipro-CAM: one per location of the h x w grid; Ablation-CAM: one per channel not all zero)
 */
public record CamResult(
        float[] logits,
        List<TargetMap> maps,
        int channels,
        int liveChannels,
        int forwardPasses,
        int backwardPasses,
        int headPasses) {

    /** The softmax of the input's logits: each class's probability. */
    public float[] probabilities() {
        return CamMath.probabilities(logits);
    }
}
