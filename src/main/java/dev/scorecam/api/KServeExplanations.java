package dev.scorecam.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;

/**
 * The answer of {@code :explain} in KServe's V1 protocol: one explanation per instance, in the
 * instances' order.
 */
record KServeExplanations(List<InstanceExplanation> explanations) {

    /**
     * @param key the instance's {@code key}, when it had one
     * @param parameters the method's parameters as used, defaults filled in
     * @param predictions the model's most probable classes for this image
     * @param targets one map per class explained
     */
    record InstanceExplanation(
            @JsonInclude(JsonInclude.Include.NON_NULL) String key,
            String model,
            String method,
            Map<String, ?> parameters,
            String score,
            List<ExplanationResponse.Prediction> predictions,
            List<TargetSaliency> targets) {}

    /**
     * @param target the class index
     * @param saliency the map as rows: {@code saliency[y][x]} in [0,1], {@code height} rows of
     *     {@code width} values at the model's input resolution
     * @param faithfulness with {@code metrics=true}, as in the multipart endpoint's JSON
     */
    record TargetSaliency(int target, String label, int width, int height, float[][] saliency,
            @JsonInclude(JsonInclude.Include.NON_NULL) ExplanationResponse.FaithfulnessData faithfulness) {}

    static InstanceExplanation of(Explanation explanation, String key) {
        PreparedRequest request = explanation.request();
        List<String> labels = explanation.model().labels();
        List<TargetMap> maps = explanation.result().maps();
        FaithfulnessResult faithfulness = explanation.faithfulness();
        List<TargetSaliency> targets = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            TargetMap map = maps.get(i);
            Saliency saliency = map.saliency();
            int index = map.target().classIndex();
            targets.add(new TargetSaliency(index, labels.get(index), saliency.width(), saliency.height(), rows(saliency),
                    faithfulness == null ? null
                            : ExplanationResponse.FaithfulnessData.of(faithfulness.classes().get(i),
                                    saliency.width() * saliency.height())));
        }
        return new InstanceExplanation(key, explanation.model().name(), request.choice().name(),
                ExplanationResponse.parameters(request.choice().arguments()),
                request.score().name().toLowerCase(Locale.ROOT), ExplanationResponse.predictions(explanation),
                List.copyOf(targets));
    }

    private static float[][] rows(Saliency saliency) {
        float[] values = saliency.values();
        float[][] rows = new float[saliency.height()][];
        for (int y = 0; y < rows.length; y++) {
            rows[y] = Arrays.copyOfRange(values, y * saliency.width(), (y + 1) * saliency.width());
        }
        return rows;
    }
}
