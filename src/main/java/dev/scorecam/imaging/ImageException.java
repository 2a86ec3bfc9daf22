package dev.scorecam.imaging;

/**
 * An upload that cannot become a model input. {@link #problemType()} is a stable identifier the
 * API layer turns into a ProblemDetail type; messages are written for the client and never name
 * classes or plugins.
 */
public abstract sealed class ImageException extends RuntimeException
        permits UnsupportedImageException, InvalidImageException, ImageTooLargeException {

    ImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stable kind of problem, e.g. {@code "invalid-image"}. */
    public abstract String problemType();
}
