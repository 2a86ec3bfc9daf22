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

    /** A numeric parameter outside its bounds (both inclusive). */
    public static RequestRejectedException notBetween(String parameter, Number min, Number max, Object value) {
        return INVALID_PARAMETER.because("'" + parameter + "' must be between " + min + " and " + max + ", not " + value);
    }
}
