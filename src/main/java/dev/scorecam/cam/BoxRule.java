package dev.scorecam.cam;

import java.util.Locale;

/**
 * How a box's probability p is read from a detector's output row: which of the row's detections
 * speak for the box, and how much.
 */
public enum BoxRule {
    /**
     * p = max over the detections of the box's class of score x IoU with the box (0 without one that
     * overlaps it). A masked input that shows part of the object makes the detector box that part:
     * it keeps a share of the score in proportion to the overlap instead of losing all of it at an
     * IoU cut. D-RISE (Petsiuk et al., CVPR 2021) scores a masked detector the same way, by the
     * product of the IoU and the class and objectness terms.
     */
    OVERLAP,
    /**
     * p = the score of the detection of the box's class that overlaps it best with an IoU of at
     * least {@value BoxTarget#MIN_IOU}, 0 without one: a detection either still finds the box, as
     * mAP@0.5 counts it, or does not.
     */
    MATCH;

    public static BoxRule parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "overlap" -> OVERLAP;
            case "match" -> MATCH;
            default -> throw new IllegalArgumentException(
                    "box-rule must be 'overlap' or 'match', not '" + value + "'");
        };
    }
}
