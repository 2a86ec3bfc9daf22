package dev.scorecam.api;

import java.util.List;

import org.springframework.web.context.request.NativeWebRequest;

import dev.scorecam.explain.Rejection;

/**
 * What a detections request asks besides its model and image, bound once ({@link FormBinding}).
 *
 * @param minScore the lowest score a detection listed may have
 */
record DetectionForm(float minScore) {

    static final FormField<Float> MIN_SCORE = FormField.of("min-score", Float.class, 0f);

    static List<FormField<?>> fields() {
        return List.of(MIN_SCORE);
    }

    static DetectionForm bind(NativeWebRequest request) {
        float minScore = MIN_SCORE.read(request);
        if (!(minScore >= 0 && minScore <= 1)) {
            throw Rejection.notBetween(MIN_SCORE.name(), 0, 1, minScore);
        }
        return new DetectionForm(minScore);
    }
}
