package dev.scorecam.problem;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every kind of problem the API answers with, each once: its stable {@code type}
 * ({@code /problems/<slug>}, for clients to branch on, and a page there), HTTP status, title and
 * what to do about it. The exception advice, the job views, the problem pages and the OpenAPI
 * document all read it from here; docs/api.md lists it in the same order, by status. Some are raised by the web framework itself (invalid-request,
 * not-found, method-not-allowed, not-acceptable, upload-too-large, unsupported-media-type); the
 * rest by a {@link ProblemException}.
 */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "Invalid request",
            "Send the image as a multipart/form-data file part named image (to :explain, KServe's JSON: "
                    + "{\"instances\": [...]}), with a well-formed body."),
    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter",
            "Correct the parameter the detail names; GET /v1/methods gives each method's parameters and their bounds."),
    INVALID_IMAGE(400, "invalid-image", "Invalid image",
            "Send a complete, uncorrupted image file; the detail says what was wrong with its data."),
    UNKNOWN_METHOD(400, "unknown-method", "Unknown explanation method",
            "Use one of the methods GET /v1/methods lists."),
    METHOD_UNSUPPORTED(400, "method-unsupported", "Method not supported by this model",
            "Use one of the methods GET /v1/models/{model} lists for this model; its engine cannot run the others."),
    UNKNOWN_TARGET(400, "unknown-target", "Unknown target class",
            "Name a target by a class index or one of the labels GET /v1/models/{model} lists."),
    TOO_MANY_TARGETS(400, "too-many-targets", "Too many target classes",
            "Ask for fewer targets (or a smaller top-k) in one request, or split them over several."),
    NOT_A_DETECTOR(400, "not-a-detector", "Not a detector",
            "Give box or detection, or ask for detections, of a model whose task is detection (GET /v1/models gives "
                    + "each model's task); explain a classifier by target or top-k."),
    INVALID_BOX(400, "invalid-box", "Invalid box",
            "Give box=x0,y0,x1,y1: four numbers in the uploaded image's pixels, with x0 < x1 and y0 < y1."),
    BOX_OUTSIDE_IMAGE(400, "box-outside-image", "Box outside the image",
            "Give a box inside the uploaded image, 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height in its own pixels, "
                    + "and over a part of it the model sees (a center-crop model does not see the cropped edges)."),
    UNKNOWN_DETECTION(400, "unknown-detection", "Unknown detection",
            "Name a detection by an index POST /v1/models/{model}/detections gives for the same image, or give "
                    + "box and target instead."),
    UNAUTHENTICATED(401, "unauthenticated", "Unauthenticated",
            "Send an API key (X-API-Key, or Authorization: Bearer) or a bearer token this server accepts."),
    FORBIDDEN(403, "forbidden", "Forbidden",
            "Use a token that grants the scope this server requires."),
    UNKNOWN_MODEL(404, "unknown-model", "Unknown model",
            "Use one of the models GET /v1/models lists."),
    UNKNOWN_JOB(404, "unknown-job", "Unknown job",
            "Check the job id; finished jobs are kept for a limited time, and only their submitter sees them."),
    NOT_FOUND(404, "not-found", "Not found",
            "Check the path against the API description at /v3/api-docs."),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed",
            "Use the HTTP method the API description at /v3/api-docs gives for this path."),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable",
            "Accept application/json, image/png or application/x-npy."),
    JOB_NOT_FINISHED(409, "job-not-finished", "Job not finished",
            "Wait until the job's status is SUCCEEDED (poll it or follow its events), then ask again."),
    JOB_CANCELLED(409, "job-cancelled", "Job cancelled",
            "Submit the job again if its result is still wanted."),
    UPLOAD_TOO_LARGE(413, "upload-too-large", "Upload too large",
            "Send a smaller file, or compress the image."),
    IMAGE_TOO_LARGE(413, "image-too-large", "Image too large",
            "Scale the image down before sending it; the detail gives the limit in pixels."),
    UNSUPPORTED_IMAGE(415, "unsupported-image", "Unsupported image format",
            "Send a PNG, JPEG, GIF, BMP, WebP or TIFF image."),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type",
            "Send the request as multipart/form-data with the image as a file part."),
    RATE_LIMITED(429, "rate-limited", "Rate limit exceeded",
            "Wait as long as Retry-After says, then try again; RateLimit tells what is left."),
    INFERENCE_FAILED(500, "inference-failed", "Inference failed",
            "Try again; if it fails again, tell the operator, whose log has the cause."),
    INTERNAL_ERROR(500, "internal-error", "Internal error",
            "Try again; if it fails again, tell the operator, whose log has the cause."),
    JOB_ABANDONED(500, "job-abandoned", "Job abandoned",
            "Submit the job again; the operator should look at why the workers stopped."),
    JOB_UNREADABLE(500, "job-unreadable", "Job not readable by its worker",
            "Submit the job again; if it fails again, tell the operator: the workers must run a version that reads "
                    + "what the API writes (upgrade the workers first)."),
    QUEUE_FULL(503, "queue-full", "Queue full",
            "Wait as long as Retry-After says, then try again."),
    SHUTTING_DOWN(503, "shutting-down", "Server shutting down",
            "Try again shortly: another instance, or this one once restarted, will take it."),
    BACKEND_UNAVAILABLE(503, "backend-unavailable", "Backend unavailable",
            "Try again shortly; jobs already accepted are kept."),
    NO_COMPATIBLE_WORKER(503, "no-compatible-worker", "No compatible worker",
            "Wait as long as Retry-After says, then try again: the service is being upgraded. The operator should "
                    + "upgrade the workers before the API instances."),
    TIMEOUT(504, "timeout", "Request timed out",
            "Submit it as an asynchronous job under /v1/jobs, or ask for less work (fewer targets, a cheaper method).");

    private final int status;
    private final String slug;
    private final String title;
    private final String whatToDo;

    ProblemType(int status, String slug, String title, String whatToDo) {
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.whatToDo = whatToDo;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** What a client can do about it: the page at {@link #type()} says it. */
    public String whatToDo() {
        return whatToDo;
    }

    /** The problem's {@code type} member: a relative URI, the same on every server. */
    public URI type() {
        return URI.create("/problems/" + slug);
    }

    public static Optional<ProblemType> ofSlug(String slug) {
        return Arrays.stream(values()).filter(type -> type.slug.equals(slug)).findFirst();
    }
}
