package dev.scorecam.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.ActivationLayout;
import dev.scorecam.model.ServedModel;

/**
 * What a client needs to know to call a model.
 *
 * @param task {@code classification}, or {@code detection}: a detector, whose boxes
 *     {@code POST /v1/models/{model}/detections} lists and an explanation's {@code box} or {@code detection} names
 * @param maxDetections a detector's most detections per image
 * @param engine what runs the network: torchscript or onnxruntime
 * @param methods the methods this model runs (its engine offers what they need), by name
 * @param precision what the network computes in: fp32, bf16 or fp16
 * @param batchSizeFrom {@code auto} when the batch size was measured at warm-up, {@code configured} otherwise
 * @param layout how the target layer lays out its output; {@code activations} is always its (K,h,w) grid
 */
record ModelInfo(
        String name,
        String task,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxDetections,
        String engine,
        List<String> methods,
        Input input,
        List<String> labels,
        String targetLayer,
        int channels,
        Size activations,
        String device,
        String precision,
        int batchSize,
        String batchSizeFrom,
        Layout layout) {

    record Input(int width, int height, float[] mean, float[] std, String resize) {}

    /**
     * @param kind channels-first (N,K,h,w), channels-last (N,h,w,K) or tokens (N, prefix + h*w, K)
     * @param prefixTokens tokens only: class or register tokens before the grid, left out of the activations
     * @param grid tokens only: the token grid
     */
    record Layout(
            String kind,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer prefixTokens,
            @JsonInclude(JsonInclude.Include.NON_NULL) Size grid) {

        static Layout of(ActivationLayout layout) {
            boolean tokens = layout.kind() == ActivationLayout.Kind.TOKENS;
            return new Layout(layout.kind().id(), tokens ? layout.prefixTokens() : null,
                    tokens ? new Size(layout.gridWidth(), layout.gridHeight()) : null);
        }
    }

    record Size(int width, int height) {}

    static ModelInfo of(ServedModel model) {
        InputFormat input = model.modelPackage().input();
        return new ModelInfo(
                model.name(),
                model.task().id(),
                model.modelPackage().isDetector() ? model.modelPackage().maxDetections() : null,
                model.engine(),
                model.methods().stream().map(MethodCatalogue.Method::name).toList(),
                new Input(input.width(), input.height(), input.mean(), input.std(),
                        input.resize().id()),
                model.modelPackage().labels(),
                model.modelPackage().targetLayer(),
                model.channels(),
                new Size(model.activationWidth(), model.activationHeight()),
                model.device(),
                model.precision().id(),
                model.batchSize(),
                model.batchSizeMeasured() ? "auto" : "configured",
                Layout.of(model.modelPackage().layout()));
    }
}
