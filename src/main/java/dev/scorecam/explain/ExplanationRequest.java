package dev.scorecam.explain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One explanation as a client asks for it, before validation.
 *
 * @param targets class indices or labels; empty means the top {@code topK} (default 1)
 * @param topK how many of the best classes to explain, when no target is named
 * @param method a name from {@link dev.scorecam.cam.MethodCatalogue}; null is {@code scorecam}
 * @param score {@code logit} (default) or {@code probability}
 * @param batchSize masked inputs per forward pass; null takes the model's
 * @param parameters the method's parameters by name ({@code max-channels}, {@code samples}, ...);
 *     a null value counts as not given
 * @param metrics true adds the faithfulness of each map (null: false)
 * @param metricsSteps deletion/insertion steps of the faithfulness; null takes the default
 * @param progressive progressive refinement: channels by variance, a partial map after each batch
 *     (jobs with {@code scorecam} only)
 */
public record ExplanationRequest(
        String model, byte[] image, List<String> targets, Integer topK, String method, String score,
        Integer batchSize, Map<String, Number> parameters, Boolean metrics, Integer metricsSteps,
        boolean progressive) {

    public ExplanationRequest {
        targets = targets == null ? List.of() : List.copyOf(targets);
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Without method parameters (each method's defaults) and without faithfulness metrics. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize) {
        this(model, image, targets, topK, method, score, batchSize, Map.of());
    }

    /** Without faithfulness metrics. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize, Map<String, Number> parameters) {
        this(model, image, targets, topK, method, score, batchSize, parameters, null, null);
    }
    /** Not progressive: what a synchronous request asks for. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize, Map<String, Number> parameters, Boolean metrics, Integer metricsSteps) {
        this(model, image, targets, topK, method, score, batchSize, parameters, metrics, metricsSteps, false);
    }
}
