package dev.scorecam.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.web.context.request.NativeWebRequest;

import dev.scorecam.cache.AnswerKeys;
import dev.scorecam.cam.Faithfulness;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.MethodParameter;
import dev.scorecam.explain.ExplanationRequest;

/**
 * What an explanation request asks besides its model and image, bound once ({@link FormBinding})
 * for the synchronous and the job endpoints. The fields are declared here; the methods' own
 * parameters come from their declarations in the catalogue.
 */
record ExplanationForm(List<String> targets, Integer topK, String box, Integer detection, String boxRule,
        String method, String score, Integer batchSize, Map<MethodParameter, Object> parameters, boolean metrics,
        int metricsSteps) {

    static final FormField<List<String>> TARGET = FormField.strings("target");
    static final FormField<Integer> TOP_K = FormField.of("top-k", Integer.class, null);
    static final FormField<String> BOX = FormField.of("box", String.class, null);
    static final FormField<Integer> DETECTION = FormField.of("detection", Integer.class, null);
    static final FormField<String> BOX_RULE = FormField.of("box-rule", String.class, null);
    static final FormField<String> METHOD = FormField.of("method", String.class, null);
    static final FormField<String> SCORE = FormField.of("score", String.class, null);
    static final FormField<Integer> BATCH_SIZE = FormField.of("batch-size", Integer.class, null);
    static final FormField<Boolean> METRICS = FormField.of("metrics", Boolean.class, false);
    static final FormField<Integer> METRICS_STEPS = FormField.of("metrics-steps", Integer.class,
            Faithfulness.DEFAULT_STEPS);

    /** Every field in the order the API document lists them. */
    static List<FormField<?>> fields() {
        List<FormField<?>> fields = new java.util.ArrayList<>(List.of(TARGET, TOP_K, BOX, DETECTION, BOX_RULE, METHOD,
                SCORE, BATCH_SIZE));
        MethodCatalogue.parameters().forEach(p -> fields.add(parameter(p)));
        fields.addAll(List.of(METRICS, METRICS_STEPS));
        return fields;
    }

    static ExplanationForm bind(NativeWebRequest request) {
        return bind(request::getParameterValues);
    }

    /** @param source the values given for a field name, as request parameters are (null: none) */
    static ExplanationForm bind(Function<String, String[]> source) {
        Map<MethodParameter, Object> parameters = new LinkedHashMap<>();
        for (MethodParameter p : MethodCatalogue.parameters()) {
            Object value = parameter(p).read(source);
            if (value != null) {
                parameters.put(p, value);
            }
        }
        return new ExplanationForm(TARGET.read(source), TOP_K.read(source), BOX.read(source), DETECTION.read(source),
                BOX_RULE.read(source), METHOD.read(source), SCORE.read(source), BATCH_SIZE.read(source), parameters,
                METRICS.read(source), METRICS_STEPS.read(source));
    }

    /** The same form with other targets, e.g. those one instance of a KServe request names. */
    ExplanationForm withTargets(List<String> targets) {
        return new ExplanationForm(targets, topK, box, detection, boxRule, method, score, batchSize, parameters,
                metrics, metricsSteps);
    }

    /** @param metrics whether to measure the faithfulness (asked for, and the response can show it) */
    ExplanationRequest request(String model, byte[] image, boolean metrics, boolean progressive) {
        return new ExplanationRequest(model, image, targets, topK, method, score, batchSize, parameters, metrics,
                metricsSteps, progressive, box, detection, boxRule);
    }

    /** Writes every field, as bound, into a cache key: requests that bind alike share an answer. */
    AnswerKeys describe(AnswerKeys key) {
        key.add(TARGET.name(), targets == null ? null : targets.size());
        if (targets != null) {
            targets.forEach(target -> key.add(TARGET.name(), target));
        }
        key.add(TOP_K.name(), topK).add(BOX.name(), box).add(DETECTION.name(), detection).add(BOX_RULE.name(), boxRule)
                .add(METHOD.name(), method).add(SCORE.name(), score)
                .add(BATCH_SIZE.name(), batchSize);
        MethodCatalogue.parameters().forEach(p -> key.add(p.name(), parameters.get(p)));
        return key.add(METRICS.name(), metrics).add(METRICS_STEPS.name(), metricsSteps);
    }

    private static FormField<?> parameter(MethodParameter p) {
        return FormField.of(p.name(), p.type().javaType(), null);
    }
}
