package dev.scorecam.explain;

import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.model.ModelPackage;

/**
 * A finished explanation: the request it answers (with the original image and how the model's
 * input sits on it, for rendering) and what the computation made.
 *
 * @param precision what the network computed in: fp32, bf16 or fp16
 * @param faithfulness the maps' faithfulness when the request asked for it; null otherwise
 * @param faithfulnessMillis how long measuring it took (not part of {@code computeMillis})
 */
public record Explanation(
        PreparedRequest request,
        String precision,
        CamResult result,
        long computeMillis,
        FaithfulnessResult faithfulness,
        long faithfulnessMillis) {

    public ModelPackage model() {
        return request.model().modelPackage();
    }

    /**
     * Roughly what it holds in memory: the decoded original (four bytes a pixel at most), the
     * model's input, each map's floats and the faithfulness curves; what a kept job costs.
     */
    public long bytes() {
        long maps = result.maps().stream()
                .mapToLong(e -> (long) e.saliency().values().length * Float.BYTES)
                .sum();
        long curves = faithfulness == null ? 0 : faithfulness.classes().stream()
                .mapToLong(f -> (long) (f.deletionCurve().length + f.insertionCurve().length) * Double.BYTES)
                .sum();
        long input = (long) request.input().chw().length * Float.BYTES;
        return (long) request.original().getWidth() * request.original().getHeight() * Integer.BYTES + input + maps
                + curves;
    }
}
