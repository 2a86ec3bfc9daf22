package dev.scorecam.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.scorecam.cam.BoxTarget;
import dev.scorecam.cam.Detection;
import dev.scorecam.cam.Target;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.ClassFaithfulness;
import dev.scorecam.cam.Faithfulness;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.MethodArguments;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.Targets;
import dev.scorecam.explain.ChosenBox;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.imaging.Placement;

/**
 * The JSON form of an explanation.
 *
 * @param parameters the method's parameters as used, by name, defaults filled in
 * @param score what S is: {@code logit} or {@code probability} of a class, or of a detector's box
 *     (read from the masked input's detections by the box rule)
 * @param boxRule a detector's: how the masked input's detections score the box, {@code overlap} or {@code match}
 * @param predictions a classifier's most probable classes
 * @param detections a detector's detections of the image, boxes in its pixels, best first
 */
record ExplanationResponse(
        String model,
        String method,
        // numbers, and text for a choice (Score-CAM's weighting): any JSON value to generated clients
        @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, ?> parameters,
        String score,
        @JsonInclude(JsonInclude.Include.NON_NULL) String boxRule,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Prediction> predictions,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<DetectionResponse.Found> detections,
        List<TargetExplanation> explanations,
        Stats stats) {

    static final int PREDICTIONS = 5;

    record Prediction(int index, String label, float probability) {}

    record ClassRef(int index, String label) {

        static ClassRef of(Target target, List<String> labels) {
            return new ClassRef(target.classIndex(), labels.get(target.classIndex()));
        }
    }

    /** Little-endian float32, row-major, at the model's input resolution, in [0,1]. */
    record SaliencyData(int width, int height, String dtype, String encoding, String data, boolean allZero) {

        static SaliencyData of(Saliency saliency) {
            ByteBuffer bytes = ByteBuffer.allocate(saliency.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(saliency.values());
            return new SaliencyData(saliency.width(), saliency.height(), "float32", "base64",
                    Base64.getEncoder().encodeToString(bytes.array()), saliency.allZero());
        }
    }

    /**
     * @param box a detector's explained box, in the image's pixels
     * @param detection a detector's detection of the image that the box's score reads (its class; the
     *     best score x IoU, or the best IoU of at least 0.5 by the match rule); absent when none does
     */
    record TargetExplanation(
            ClassRef target,
            @JsonInclude(JsonInclude.Include.NON_NULL) DetectionResponse.Corners box,
            @JsonInclude(JsonInclude.Include.NON_NULL) DetectionResponse.Found detection,
            SaliencyData saliency, @JsonInclude(JsonInclude.Include.NON_NULL) String heatmapPng,
            @JsonInclude(JsonInclude.Include.NON_NULL) FaithfulnessData faithfulness) {}

    /**
     * With {@code metrics=true}: how faithful the map is (softmax probabilities of the target, see
     * docs/api.md). {@code averageDrop} is max(0, Y - O) / Y and {@code increase} O > Y for this
     * image, Y on the input, O on the input masked by the map; {@code deletion} and {@code insertion}
     * are the AUCs over the fraction of pixels removed or inserted in order of saliency.
     *
     * @param fractions the share of pixels changed at each of the steps + 1 points of both curves
     * @param deletionCurve p at each point, from the input to every pixel deleted
     * @param insertionCurve p at each point, from the blurred input to the input
     */
    record FaithfulnessData(double averageDrop, boolean increase, double deletion, double insertion, int steps,
            String deletionBaseline, String insertionBaseline, double[] fractions, double[] deletionCurve,
            double[] insertionCurve) {

        /** @param pixels the map's width x height, which the curves' steps divide */
        static FaithfulnessData of(ClassFaithfulness f, int pixels) {
            return new FaithfulnessData(f.averageDrop(), f.increase(), f.deletion(), f.insertion(), f.steps(),
                    Faithfulness.DELETION_BASELINE, Faithfulness.INSERTION_BASELINE,
                    Faithfulness.fractions(f.steps(), pixels), f.deletionCurve(), f.insertionCurve());
        }
    }

    /**
     * @param forwardPasses images run through the whole network, counted as they ran (Score-CAM: input,
     *     baseline and one per live channel), and for a detector's {@code detection=i} the detector's pass that found it
     * @param backwardPasses images back-propagated through the head (Grad-CAM, Grad-CAM++: one per target class)
     * @param headPasses modified activations rescored through the head alone, counted as they ran, not part of
     *     {@code forwardPasses} (Recipro-CAM: one per location of the target layer's grid; Ablation-CAM: one per channel not all zero)
     * @param precision what the network computed in (masks, scores and maps are float32 always)
     * @param faithfulnessForwardPasses with {@code metrics=true}: images run to measure the faithfulness,
     *     not part of {@code forwardPasses}
     * @param faithfulnessMillis with {@code metrics=true}: how long that took, not part of {@code computeMillis}
     */
    record Stats(int channels, int liveChannels, int forwardPasses, int backwardPasses, int headPasses, int batchSize,
            String precision, long computeMillis,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer faithfulnessForwardPasses,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long faithfulnessMillis) {}

    /** @param heatmap the PNG of a target's overlay, or null when the client did not ask for it */
    static ExplanationResponse of(Explanation explanation, Function<TargetMap, byte[]> heatmap) {
        List<String> labels = explanation.model().labels();
        PreparedRequest request = explanation.request();
        Placement placement = request.input().placement();
        float[] output = explanation.result().logits();
        ChosenBox box = request.targets() instanceof ChosenBox chosen ? chosen : null;
        List<Prediction> predictions = predictions(explanation);
        List<DetectionResponse.Found> detections = box == null ? null
                : Detection.of(output).stream().map(d -> DetectionResponse.Found.of(d, placement, labels)).toList();
        List<TargetMap> maps = explanation.result().maps();
        FaithfulnessResult faithfulness = explanation.faithfulness();
        List<TargetExplanation> explanations = IntStream.range(0, maps.size())
                .mapToObj(i -> {
                    TargetMap e = maps.get(i);
                    byte[] png = heatmap.apply(e);
                    DetectionResponse.Found matched = e.target() instanceof BoxTarget target
                            ? target.match(output).map(d -> DetectionResponse.Found.of(d, placement, labels)).orElse(null)
                            : null;
                    return new TargetExplanation(
                            ClassRef.of(e.target(), labels),
                            box == null ? null : DetectionResponse.Corners.of(box.inImage()),
                            matched,
                            SaliencyData.of(e.saliency()),
                            png == null ? null : Base64.getEncoder().encodeToString(png),
                            faithfulness == null ? null : FaithfulnessData.of(faithfulness.classes().get(i),
                                    e.saliency().width() * e.saliency().height()));
                })
                .toList();
        var result = explanation.result();
        return new ExplanationResponse(
                explanation.model().name(),
                request.choice().name(),
                parameters(request.choice().arguments()),
                request.score().name().toLowerCase(Locale.ROOT),
                box == null ? null : box.rule().name().toLowerCase(Locale.ROOT),
                predictions,
                detections,
                explanations,
                new Stats(result.channels(), result.liveChannels(),
                        result.forwardPasses() + (box == null ? 0 : box.detectorPasses()), result.backwardPasses(),
                        result.headPasses(), request.batchSize(), explanation.precision(), explanation.computeMillis(),
                        faithfulness == null ? null : faithfulness.forwardPasses(),
                        faithfulness == null ? null : explanation.faithfulnessMillis()));
    }

    /** The most probable classes, ranked as top-k targets are; null for a detector's box, which has detections. */
    static List<Prediction> predictions(Explanation explanation) {
        if (explanation.request().targets() instanceof ChosenBox) {
            return null;
        }
        List<String> labels = explanation.model().labels();
        float[] probabilities = explanation.result().probabilities();
        return Arrays.stream(Targets.topK(PREDICTIONS).select(probabilities))
                .mapToObj(i -> new Prediction(i, labels.get(i), probabilities[i]))
                .toList();
    }

    static Map<String, ?> parameters(MethodArguments arguments) {
        return arguments.values().stream().collect(Collectors.toMap(a -> a.parameter().name(),
                MethodArguments.Argument::value, (a, b) -> a, LinkedHashMap::new));
    }
}
