package dev.scorecam.explain;

import java.util.List;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.Detection;
import dev.scorecam.imaging.Placement;
import dev.scorecam.model.ServedModel;

/**
 * A detector's detections of one uploaded image, best first, with the geometry that carries their
 * boxes from the model input's pixels back to the image's.
 *
 * @param computeMillis how long the forward pass took
 */
public record Detections(ServedModel model, int width, int height, Placement placement, List<Detection> detections,
        long computeMillis) {

    public Detections {
        detections = List.copyOf(detections);
    }

    /** A detection's box in the uploaded image's pixels. */
    public Box inImage(Detection detection) {
        return inImage(detection.box(), placement);
    }

    /** A box of the model input in the image's pixels, through the maps' geometry. */
    public static Box inImage(Box inInput, Placement placement) {
        return BoxSelection.inImage(inInput, placement);
    }
}
