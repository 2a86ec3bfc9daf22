package dev.scorecam.explain;

import java.awt.image.BufferedImage;

import dev.scorecam.cam.ScoreCamResult;
import dev.scorecam.cam.ScoreType;
import dev.scorecam.imaging.Placement;
import dev.scorecam.model.ModelPackage;

/**
 * A finished explanation, with what rendering it needs: the original image and how the
 * model's input sits on it.
 *
 * @param precision what the network computed in: fp32, bf16 or fp16
 * @param probabilities softmax of the input's logits, one per class
 */
public record Explanation(
        ModelPackage model,
        String method,
        ScoreType score,
        int batchSize,
        String precision,
        BufferedImage original,
        Placement placement,
        float[] probabilities,
        ScoreCamResult result,
        long computeMillis) {}
