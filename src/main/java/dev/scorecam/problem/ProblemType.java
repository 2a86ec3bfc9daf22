package dev.scorecam.problem;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every kind of problem the API answers with, each once: its stable {@code type}
 * ({@code /problems/<slug>}, for clients to branch on), HTTP status and title. The exception
 * advice, the job views and the OpenAPI document all read it from here; docs/api.md lists it in
 * the same order, by status. Some are raised by the web framework itself (invalid-request,
 * not-found, method-not-allowed, not-acceptable, upload-too-large, unsupported-media-type); the
 * rest by a {@link ProblemException}.
 */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter"),
    INVALID_IMAGE(400, "invalid-image", "Invalid image"),
    UNKNOWN_METHOD(400, "unknown-method", "Unknown explanation method"),
    METHOD_UNSUPPORTED(400, "method-unsupported", "Method not supported by this model"),
    UNKNOWN_TARGET(400, "unknown-target", "Unknown target class"),
    TOO_MANY_TARGETS(400, "too-many-targets", "Too many target classes"),
    UNAUTHENTICATED(401, "unauthenticated", "Unauthenticated"),
    FORBIDDEN(403, "forbidden", "Forbidden"),
    UNKNOWN_MODEL(404, "unknown-model", "Unknown model"),
    UNKNOWN_JOB(404, "unknown-job", "Unknown job"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    JOB_NOT_FINISHED(409, "job-not-finished", "Job not finished"),
    JOB_CANCELLED(409, "job-cancelled", "Job cancelled"),
    UPLOAD_TOO_LARGE(413, "upload-too-large", "Upload too large"),
    IMAGE_TOO_LARGE(413, "image-too-large", "Image too large"),
    UNSUPPORTED_IMAGE(415, "unsupported-image", "Unsupported image format"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, "rate-limited", "Rate limit exceeded"),
    INFERENCE_FAILED(500, "inference-failed", "Inference failed"),
    INTERNAL_ERROR(500, "internal-error", "Internal error"),
    JOB_ABANDONED(500, "job-abandoned", "Job abandoned"),
    QUEUE_FULL(503, "queue-full", "Queue full"),
    SHUTTING_DOWN(503, "shutting-down", "Server shutting down"),
    BACKEND_UNAVAILABLE(503, "backend-unavailable", "Backend unavailable"),
    TIMEOUT(504, "timeout", "Request timed out");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
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

    /** The problem's {@code type} member: a relative URI, the same on every server. */
    public URI type() {
        return URI.create("/problems/" + slug);
    }

    public static Optional<ProblemType> ofSlug(String slug) {
        return Arrays.stream(values()).filter(type -> type.slug.equals(slug)).findFirst();
    }
}
