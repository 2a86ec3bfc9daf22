package dev.scorecam.cam;

import java.util.List;

/**
 * What one Score-CAM run produced.
 *
 * @param logits the input's own logits, for the predictions
 * @param explanations one map per target class, in the order asked
 * @param channels K, the channels of the target layer
 * @param liveChannels channels whose activation map is not constant: one masked forward each
 * @param forwardPasses images run through the whole network, counted as the calls were made
 *     (the input, the baseline and one masked input per live channel, whatever the targets)
 */
public record ScoreCamResult(
        float[] logits,
        List<ClassExplanation> explanations,
        int channels,
        int liveChannels,
        int forwardPasses) {}
