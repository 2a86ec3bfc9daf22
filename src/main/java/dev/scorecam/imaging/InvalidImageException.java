package dev.scorecam.imaging;

/** The bytes claim a supported format but are empty, truncated or corrupt. */
public final class InvalidImageException extends ImageException {

    InvalidImageException(String message) {
        super(message, null);
    }

    InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String problemType() {
        return "invalid-image";
    }
}
