package dev.scorecam.explain;

import dev.scorecam.problem.ProblemType;

/**
 * Why a request is refused before any work is queued. The details that more than one place
 * shows (the checks and the API document's examples) are made here, once.
 */
public enum Rejection {
    UNKNOWN_MODEL(ProblemType.UNKNOWN_MODEL),
    UNKNOWN_METHOD(ProblemType.UNKNOWN_METHOD),
    METHOD_UNSUPPORTED(ProblemType.METHOD_UNSUPPORTED),
    UNKNOWN_TARGET(ProblemType.UNKNOWN_TARGET),
    TOO_MANY_TARGETS(ProblemType.TOO_MANY_TARGETS),
    NOT_A_DETECTOR(ProblemType.NOT_A_DETECTOR),
    INVALID_BOX(ProblemType.INVALID_BOX),
    BOX_OUTSIDE_IMAGE(ProblemType.BOX_OUTSIDE_IMAGE),
    UNKNOWN_DETECTION(ProblemType.UNKNOWN_DETECTION),
    INVALID_PARAMETER(ProblemType.INVALID_PARAMETER);

    private final ProblemType problemType;

    Rejection(ProblemType problemType) {
        this.problemType = problemType;
    }

    public ProblemType problemType() {
        return problemType;
    }

    public RequestRejectedException because(String detail) {
        return new RequestRejectedException(this, detail);
    }

    public static RequestRejectedException unknownModel(String name) {
        return UNKNOWN_MODEL.because("no model named '" + name + "' is served; GET /v1/models lists them");
    }

    /** @param offered the names offered, e.g. "scorecam, gradcam" */
    public static RequestRejectedException unknownMethod(String method, String offered) {
        return UNKNOWN_METHOD.because("method '" + method + "' is not offered; use one of " + offered
                + " (GET /v1/methods describes them)");
    }

    /**
     * @param needs what the method needs that the model's engine does not offer, e.g. "gradients"
     * @param supported the methods the model runs, e.g. "scorecam, sscam"
     */
    public static RequestRejectedException methodUnsupported(String method, String model, String engine, String needs,
            String supported) {
        return METHOD_UNSUPPORTED.because("method '" + method + "' needs " + needs + ", which model '" + model
                + "' on engine " + engine + " does not offer; it runs " + supported
                + " (GET /v1/models/" + model + " lists them)");
    }

    public static RequestRejectedException unknownTarget(String target) {
        return UNKNOWN_TARGET.because("'" + target + "' is neither a class index nor a label of this model");
    }

    public static RequestRejectedException tooManyTargets(int asked, int max) {
        return TOO_MANY_TARGETS.because(asked + " targets asked for; at most " + max + " per request");
    }

    /** @param asked what the request gave that only a detector takes, e.g. "'box'" */
    public static RequestRejectedException notADetector(String model, String asked) {
        return NOT_A_DETECTOR.because("model '" + model + "' is a classifier; " + asked
                + " is for a detector (GET /v1/models gives each model's task)");
    }

    public static RequestRejectedException malformedBox(String box) {
        return INVALID_BOX.because("'box' must be four numbers x0,y0,x1,y1, not '" + box + "'");
    }

    public static RequestRejectedException boxOutside(String box, int width, int height) {
        return BOX_OUTSIDE_IMAGE.because("box " + box + " is not inside the " + width + "x" + height
                + " image: 0 <= x0 < x1 <= " + width + " and 0 <= y0 < y1 <= " + height);
    }

    /** @param found how many detections the detector made of the image */
    public static RequestRejectedException unknownDetection(int index, int found) {
        return UNKNOWN_DETECTION.because(found == 0
                ? "the detector found nothing in this image, so there is no detection " + index
                        + "; give box and target to explain a box of your own"
                : "detection " + index + " is out of range: the detector found " + found + " in this image (0 to "
                        + (found - 1) + ")");
    }

    /** A numeric parameter outside its bounds (both inclusive). */
    public static RequestRejectedException notBetween(String parameter, Number min, Number max, Object value) {
        return INVALID_PARAMETER.because("'" + parameter + "' must be between " + min + " and " + max + ", not " + value);
    }
}
