package dev.scorecam.explain;

import dev.scorecam.problem.ProblemType;

/**
 * Why a request is refused before any work is queued. The details that more than one place
 * shows (the checks and the API document's examples) are made here, once.
 */
public enum Rejection {
    UNKNOWN_MODEL(ProblemType.UNKNOWN_MODEL),
    UNKNOWN_METHOD(ProblemType.UNKNOWN_METHOD),
    UNKNOWN_TARGET(ProblemType.UNKNOWN_TARGET),
    TOO_MANY_TARGETS(ProblemType.TOO_MANY_TARGETS),
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

    public static RequestRejectedException unknownTarget(String target) {
        return UNKNOWN_TARGET.because("'" + target + "' is neither a class index nor a label of this model");
    }

    public static RequestRejectedException tooManyTargets(int asked, int max) {
        return TOO_MANY_TARGETS.because(asked + " targets asked for; at most " + max + " per request");
    }

    /** A numeric parameter outside its bounds (both inclusive). */
    public static RequestRejectedException notBetween(String parameter, Number min, Number max, Object value) {
        return INVALID_PARAMETER.because("'" + parameter + "' must be between " + min + " and " + max + ", not " + value);
    }
}
