package dev.scorecam.model;

import java.nio.file.Path;
import java.util.List;

import dev.scorecam.imaging.InputFormat;

/**
 * A model package as read from disk: {@code model.pt} plus what {@code model.yaml} says of it.
 *
 * @param directory where {@code model.pt} lies
 * @param engine what runs the network file ({@code torchscript} by default)
 * @param batchSize masked inputs per forward pass unless a request asks otherwise ({@code auto} by default)
 * @param precision what the network computes in unless the deployment says otherwise ({@code fp32} by default)
 * @param task classification (the default) or detection
 * @param maxDetections D, the detections a detector's forward gives per image (padded); 0 for a classifier
 * @param layout how the target layer lays out its output (features gives (N,K,h,w) whatever it is)
 */
public record ModelPackage(
        String name, Path directory, ModelEngine engine, InputFormat input, List<String> labels, String targetLayer,
        BatchSize batchSize, Precision precision, Task task, int maxDetections, ActivationLayout layout) {

    static final String WEIGHTS_FILE = Precision.FP32.weightsFile();
    static final String DESCRIPTOR_FILE = "model.yaml";

    public ModelPackage {
        labels = List.copyOf(labels);
    }

    public boolean isDetector() {
        return task == Task.DETECTION;
    }

    /** What one image's output row holds: the classes' logits, or D detections of six floats. */
    public int outputWidth() {
        return isDetector() ? maxDetections * 6 : labels.size();
    }

    /** The float32 network, which every package has. */
    public Path weights() {
        return weights(Precision.FP32);
    }

    /** The network in the given precision; only the fp32 one ({@code model.pt}, {@code model.onnx}) is required. */
    public Path weights(Precision precision) {
        return directory.resolve(engine.networkFile(precision));
    }
}
