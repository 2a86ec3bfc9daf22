package dev.scorecam.imaging;

/** The bytes are not PNG, JPEG, GIF or BMP (judged from their content, not a declared type). */
public final class UnsupportedImageException extends ImageException {

    UnsupportedImageException(String message) {
        super(message, null);
    }

    @Override
    public String problemType() {
        return "unsupported-image";
    }
}
