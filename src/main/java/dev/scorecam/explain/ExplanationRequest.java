package dev.scorecam.explain;

import java.util.List;
import java.util.Map;

import dev.scorecam.cam.MethodParameter;

/**
 * One explanation as a client asks for it, before it is checked ({@link Explainer#prepare}).
 *
 * @param targets class indices or labels; empty means the top {@code topK} (default 1)
 * @param topK how many of the best classes to explain, when no target is named
 * @param method a name from {@link dev.scorecam.cam.MethodCatalogue}; null is {@code scorecam}
 * @param score {@code logit} (default) or {@code probability}
 * @param batchSize masked inputs per forward pass; null takes the model's
 * @param parameters the method's parameters given, by their declarations; a null value counts as not given
 * @param metrics true adds the faithfulness of each map
 * @param metricsSteps deletion/insertion steps of the faithfulness, checked even when it is not asked for
 * @param progressive progressive refinement: channels by variance, a partial map after each batch (jobs)
 * @param box a detector's box to explain, {@code x0,y0,x1,y1} in the image's pixels, with one target; null: none
 * @param detection a detector's detection of the image to explain, by its index; null: none
 * @param boxRule how a detector's box is scored, {@code overlap} (default) or {@code match}; null: the default
 */
public record ExplanationRequest(
        String model, byte[] image, List<String> targets, Integer topK, String method, String score,
        Integer batchSize, Map<MethodParameter, Object> parameters, boolean metrics, int metricsSteps,
        boolean progressive, String box, Integer detection, String boxRule) {

    public ExplanationRequest {
        targets = targets == null ? List.of() : List.copyOf(targets);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** A detector's request with the default box rule. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize, Map<MethodParameter, Object> parameters, boolean metrics,
            int metricsSteps, boolean progressive, String box, Integer detection) {
        this(model, image, targets, topK, method, score, batchSize, parameters, metrics, metricsSteps, progressive,
                box, detection, null);
    }

    /** A classifier's request: no box, no detection. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize, Map<MethodParameter, Object> parameters, boolean metrics,
            int metricsSteps, boolean progressive) {
        this(model, image, targets, topK, method, score, batchSize, parameters, metrics, metricsSteps, progressive,
                null, null, null);
    }
}
