package dev.scorecam.imaging;

import dev.scorecam.problem.ProblemType;

/** The bytes claim a supported format but are empty, truncated or corrupt. */
public final class InvalidImageException extends ImageException {

    private InvalidImageException(String message, Throwable cause) {
        super(ProblemType.INVALID_IMAGE, message, cause);
    }

    static InvalidImageException empty() {
        return new InvalidImageException("The image is empty.", null);
    }

    static InvalidImageException noPixels(ImageFormat format) {
        return new InvalidImageException("The %s header declares no pixels.".formatted(format), null);
    }

    /** libjpeg's "premature end" warning: the rest of the image would be grey. */
    static InvalidImageException truncated(ImageFormat format) {
        return new InvalidImageException("The %s data is truncated.".formatted(format), null);
    }

    /** Whatever the ImageIO plugin threw for malformed data; the cause stays for the log only. */
    public static InvalidImageException truncatedOrCorrupt(ImageFormat format, Throwable cause) {
        return new InvalidImageException("The %s data is truncated or corrupt.".formatted(format), cause);
    }
}
