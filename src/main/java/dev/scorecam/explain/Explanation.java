package dev.scorecam.explain;

import java.awt.image.BufferedImage;
import java.util.Map;

import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.imaging.Placement;
import dev.scorecam.model.ModelPackage;

/**
 * A finished explanation, with what rendering it needs: the original image and how the
 * model's input sits on it.
 *
 * @param precision what the network computed in: fp32, bf16 or fp16
 * @param probabilities softmax of the input's logits, one per class
 * @param parameters the method's parameters as used, defaults filled in
 * @param faithfulness the maps' faithfulness when the request asked for it; null otherwise
 * @param faithfulnessMillis how long measuring it took (not part of {@code computeMillis})
 */
public record Explanation(
        ModelPackage model,
        String method,
        ScoreKind score,
        int batchSize,
        String precision,
        BufferedImage original,
        Placement placement,
        float[] probabilities,
        CamResult result,
        long computeMillis,
        Map<String, Number> parameters,
        FaithfulnessResult faithfulness,
        long faithfulnessMillis) {

    /** Without faithfulness metrics. */
    public Explanation(ModelPackage model, String method, ScoreKind score, int batchSize, String precision,
            BufferedImage original, Placement placement, float[] probabilities, CamResult result,
            long computeMillis, Map<String, Number> parameters) {
        this(model, method, score, batchSize, precision, original, placement, probabilities, result, computeMillis,
                parameters, null, 0);
    }

    /**
     * Roughly what it holds in memory: the decoded original (four bytes a pixel at most), each
     * map's floats and the faithfulness curves; what a kept job costs.
     */
    public long bytes() {
        long maps = result.maps().stream()
                .mapToLong(e -> (long) e.saliency().values().length * Float.BYTES)
                .sum();
        long curves = faithfulness == null ? 0 : faithfulness.classes().stream()
                .mapToLong(f -> (long) (f.deletionCurve().length + f.insertionCurve().length) * Double.BYTES)
                .sum();
        return (long) original.getWidth() * original.getHeight() * Integer.BYTES + maps + curves;
    }
}
