package dev.scorecam.imaging;

import dev.scorecam.problem.ProblemType;

/** The bytes are not PNG, JPEG, GIF, BMP, WebP or TIFF (judged from their content, not a declared type). */
public final class UnsupportedImageException extends ImageException {

    public UnsupportedImageException() {
        super(ProblemType.UNSUPPORTED_IMAGE, "The content is not a supported image; send PNG, JPEG, GIF, BMP, WebP or TIFF.", null);
    }
}
