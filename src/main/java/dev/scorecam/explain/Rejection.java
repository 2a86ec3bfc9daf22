package dev.scorecam.explain;

/**
 * Why a request is refused before any work is queued. Each kind is one stable problem type
 * ({@code /problems/<slug>}) that clients can branch on.
 */
public enum Rejection {
    UNKNOWN_MODEL(404, "unknown-model", "Unknown model"),
    UNKNOWN_METHOD(400, "unknown-method", "Unknown explanation method"),
    UNKNOWN_TARGET(400, "unknown-target", "Unknown target class"),
    TOO_MANY_TARGETS(400, "too-many-targets", "Too many target classes"),
    INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter");

    private final int status;
    private final String slug;
    private final String title;

    Rejection(int status, String slug, String title) {
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

    public RequestRejectedException because(String detail) {
        return new RequestRejectedException(this, detail);
    }
}
