package dev.scorecam.imaging;

import dev.scorecam.problem.ProblemType;

/** The header declares more pixels than the server decodes; nothing was decoded. */
public final class ImageTooLargeException extends ImageException {

    private final int width;
    private final int height;
    private final long maxPixels;

    public ImageTooLargeException(int width, int height, long maxPixels) {
        super(ProblemType.IMAGE_TOO_LARGE, "The image is %dx%d pixels; at most %d pixels are accepted."
                .formatted(width, height, maxPixels), null);
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long maxPixels() {
        return maxPixels;
    }
}
