package dev.scorecam.explain;

import java.util.List;

/**
 * One explanation as a client asks for it, before validation.
 *
 * @param targets class indices or labels; empty means the top {@code topK} (default 1)
 * @param topK how many of the best classes to explain, when no target is named
 * @param method only {@code scorecam} so far
 * @param score {@code logit} (default) or {@code probability}
 * @param batchSize masked inputs per forward pass; null takes the model's
 * @param progressive progressive refinement: channels by variance, a partial map after each batch (jobs only)
 */
public record ExplanationRequest(
        String model, byte[] image, List<String> targets, Integer topK, String method, String score,
        Integer batchSize, boolean progressive) {

    public ExplanationRequest {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** Not progressive: what a synchronous request asks for. */
    public ExplanationRequest(String model, byte[] image, List<String> targets, Integer topK, String method,
            String score, Integer batchSize) {
        this(model, image, targets, topK, method, score, batchSize, false);
    }
}
