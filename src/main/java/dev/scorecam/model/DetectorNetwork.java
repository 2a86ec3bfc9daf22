package dev.scorecam.model;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.Detection;
import dev.scorecam.cam.ForwardLanes;
import dev.scorecam.cam.Network;

/**
 * A detector as the CAM methods see a network: one output row per image. Its forward and head give
 * (N,D,6) detections; here they are (N,D*6), each image's D detections side by side, so that the
 * methods' scoring reads a detector as it reads a classifier and a
 * {@link dev.scorecam.cam.BoxTarget} finds its box in the row.
 *
 * <p>It offers head (Ablation-CAM, Recipro-CAM) but no gradients: a detector's head ends in a
 * selection of its best boxes, which is not differentiable in the boxes it drops.
 */
final class DetectorNetwork implements Network {

    private final Network detector;
    private final int maxDetections;

    DetectorNetwork(Network detector, int maxDetections) {
        this.detector = detector;
        this.maxDetections = maxDetections;
    }

    @Override
    public NDArray features(NDArray input) {
        return detector.features(input);
    }

    @Override
    public NDArray head(NDArray activations) {
        return rows(detector.head(activations));
    }

    @Override
    public NDArray forward(NDArray input) {
        return rows(detector.forward(input));
    }

    @Override
    public ForwardLanes lanes() {
        return detector.lanes();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> offered = EnumSet.noneOf(Capability.class);
        if (detector.capabilities().contains(Capability.HEAD)) {
            offered.add(Capability.HEAD);
        }
        return offered;
    }

    private NDArray rows(NDArray detections) {
        return detections.reshape(detections.getShape().get(0), (long) maxDetections * Detection.WIDTH);
    }

    /**
     * What a detector must give for the package's D: forward and head on features' activations both
     * (N,D,6) float32, as docs/model-package.md says; a clear message naming the file otherwise.
     */
    static void checkShapes(Network detector, NDArray blank, int maxDetections, Path weights) {
        NDArray activations = detector.features(blank);
        if (activations.getShape().dimension() != 4 || activations.getDataType() != DataType.FLOAT32) {
            throw new ModelPackageException(weights, "features(x) gave " + activations.getDataType() + " "
                    + activations.getShape() + "; expected float32 (1,K,h,w)");
        }
        checkDetections("forward(x)", detector.forward(blank), maxDetections, weights);
        checkDetections("head(features(x))", detector.head(activations), maxDetections, weights);
    }

    private static void checkDetections(String call, NDArray output, int maxDetections, Path weights) {
        if (!output.getShape().equals(new Shape(1, maxDetections, Detection.WIDTH))
                || output.getDataType() != DataType.FLOAT32) {
            throw new ModelPackageException(weights, call + " gave " + output.getDataType() + " " + output.getShape()
                    + "; a detector with max-detections: " + maxDetections + " in model.yaml must give float32 (N,"
                    + maxDetections + "," + Detection.WIDTH + "): rows [x0, y0, x1, y1, score, class] in input pixels, "
                    + "best first, padding rows of class -1");
        }
    }
}
