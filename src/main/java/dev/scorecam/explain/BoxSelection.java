package dev.scorecam.explain;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.BoxRule;
import dev.scorecam.cam.Detection;
import dev.scorecam.imaging.Placement;

/**
 * What a detector's request explains: a box with its class ({@code box} and one {@code target}),
 * or one of the image's own detections ({@code detection}, the best one when neither is given).
 * Boxes travel between the image's pixels and the model input's through the same
 * {@link Placement} as the maps.
 */
final class BoxSelection {

    private BoxSelection() {}

    /**
     * The checks that need no image: what a detector takes, and the box as numbers.
     *
     * @return the box asked for in the image's pixels, or null when a detection is
     */
    static Box check(ExplanationRequest request) {
        if (request.box() != null && request.detection() != null) {
            throw Rejection.INVALID_PARAMETER.because("give either 'box' (with 'target') or 'detection', not both");
        }
        if (request.topK() != null) {
            throw Rejection.INVALID_PARAMETER.because(
                    "a detector explains one box: give 'box' with 'target', or 'detection', not 'top-k'");
        }
        if (request.box() == null) {
            if (!request.targets().isEmpty()) {
                throw Rejection.INVALID_PARAMETER.because(
                        "'target' names the class of a 'box'; a detection has its own class");
            }
            return null;
        }
        Box box = parse(request.box());
        if (request.targets().size() != 1) {
            throw Rejection.INVALID_PARAMETER.because(
                    "'box' needs one 'target' (a class index or label), not " + request.targets().size());
        }
        return box;
    }

    /** x0,y0,x1,y1 as four finite numbers with x0 < x1 and y0 < y1. */
    static Box parse(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length != 4) {
            throw Rejection.malformedBox(value);
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw Rejection.malformedBox(value);
            }
            if (!Double.isFinite(v[i]) || parts[i].strip().toLowerCase(Locale.ROOT).matches(".*[a-z].*")) {
                throw Rejection.malformedBox(value); // no NaN, Infinity, hex floats or 1e3d suffixes
            }
        }
        if (!(v[0] < v[2] && v[1] < v[3])) {
            throw Rejection.INVALID_BOX.because("box " + value + " is empty: it needs x0 < x1 and y0 < y1");
        }
        return new Box(v[0], v[1], v[2], v[3]);
    }

    /** A box the client gave: inside the image, and over a part of it the model sees. */
    static ChosenBox ofBox(Box inImage, String asGiven, String target, List<String> labels, Placement placement,
            BoxRule rule) {
        int classIndex = TargetSelection.classIndex(target, labels);
        if (inImage.x0() < 0 || inImage.y0() < 0 || inImage.x1() > placement.originalWidth()
                || inImage.y1() > placement.originalHeight()) {
            throw Rejection.boxOutside(asGiven, placement.originalWidth(), placement.originalHeight());
        }
        Box inInput = new Box(
                clamp(placement.toInputX(inImage.x0()), placement.inputWidth()),
                clamp(placement.toInputY(inImage.y0()), placement.inputHeight()),
                clamp(placement.toInputX(inImage.x1()), placement.inputWidth()),
                clamp(placement.toInputY(inImage.y1()), placement.inputHeight()));
        if (inInput.area() == 0) {
            throw Rejection.BOX_OUTSIDE_IMAGE.because("box " + asGiven
                    + " lies in a part of the image the model does not see (it is cropped away)");
        }
        return new ChosenBox(classIndex, inInput, inImage, -1, rule, 0);
    }

    /** The image's own detection {@code index}, found by running the detector on it. */
    static ChosenBox ofDetection(int index, Supplier<List<Detection>> detect, Placement placement, BoxRule rule) {
        if (index < 0) {
            throw Rejection.UNKNOWN_DETECTION.because("'detection' is an index counted from 0, not " + index);
        }
        List<Detection> detections = detect.get();
        if (index >= detections.size()) {
            throw Rejection.unknownDetection(index, detections.size());
        }
        Detection detection = detections.get(index);
        return new ChosenBox(detection.classIndex(), detection.box(), inImage(detection.box(), placement), index,
                rule, 0);
    }

    /** A box of the model input in the image's pixels (it may reach past the image with letterbox borders). */
    static Box inImage(Box inInput, Placement placement) {
        return new Box(placement.toOriginalX(inInput.x0()), placement.toOriginalY(inInput.y0()),
                placement.toOriginalX(inInput.x1()), placement.toOriginalY(inInput.y1()));
    }

    private static double clamp(double value, int max) {
        return Math.max(0, Math.min(max, value));
    }
}
