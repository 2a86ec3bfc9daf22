package dev.scorecam.imaging;

import java.awt.geom.Point2D;

/**
 * Where the original image sits in the model input: {@code input = original * scale + offset},
 * per axis, in continuous pixel coordinates. Pixel (i, j) covers the unit square [i, i+1) × [j, j+1),
 * so its centre is (i + 0.5, j + 0.5); the image spans [0, width] × [0, height]. Resizing samples
 * the original at the pre-image of each input pixel centre and the heatmap samples the map at the
 * image of each original pixel centre, through this one mapping, so the two line up exactly.
 *
 * <p>Stretch covers the input exactly. Letterbox puts the image on a whole-pixel rectangle inside
 * the input (so border pixels are pure border). Center-crop scales uniformly to cover the input;
 * its offsets are negative and may be fractional, and parts of the original map outside the input.
 */
public record Placement(int originalWidth, int originalHeight, int inputWidth, int inputHeight,
                        double scaleX, double scaleY, double offsetX, double offsetY) {

    public Placement {
        if (originalWidth < 1 || originalHeight < 1 || inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("Sizes must be positive");
        }
        if (!(scaleX > 0 && scaleY > 0) || !Double.isFinite(offsetX) || !Double.isFinite(offsetY)) {
            throw new IllegalArgumentException("Scales must be positive and offsets finite");
        }
    }

    public static Placement of(ResizeMode mode, int originalWidth, int originalHeight,
                               int inputWidth, int inputHeight) {
        double sx = (double) inputWidth / originalWidth;
        double sy = (double) inputHeight / originalHeight;
        return switch (mode) {
            case STRETCH -> new Placement(originalWidth, originalHeight, inputWidth, inputHeight, sx, sy, 0, 0);
            case LETTERBOX -> {
                double s = Math.min(sx, sy);
                int contentWidth = clamp((int) Math.round(originalWidth * s), inputWidth);
                int contentHeight = clamp((int) Math.round(originalHeight * s), inputHeight);
                yield new Placement(originalWidth, originalHeight, inputWidth, inputHeight,
                        (double) contentWidth / originalWidth, (double) contentHeight / originalHeight,
                        (inputWidth - contentWidth) / 2, (inputHeight - contentHeight) / 2);
            }
            case CENTER_CROP -> {
                double s = Math.max(sx, sy);
                yield new Placement(originalWidth, originalHeight, inputWidth, inputHeight, s, s,
                        (inputWidth - originalWidth * s) / 2, (inputHeight - originalHeight * s) / 2);
            }
        };
    }

    private static int clamp(int size, int max) {
        return Math.max(1, Math.min(size, max));
    }

    public double toInputX(double originalX) {
        return originalX * scaleX + offsetX;
    }

    public double toInputY(double originalY) {
        return originalY * scaleY + offsetY;
    }

    public double toOriginalX(double inputX) {
        return (inputX - offsetX) / scaleX;
    }

    public double toOriginalY(double inputY) {
        return (inputY - offsetY) / scaleY;
    }

    public Point2D.Double toInput(double originalX, double originalY) {
        return new Point2D.Double(toInputX(originalX), toInputY(originalY));
    }

    public Point2D.Double toOriginal(double inputX, double inputY) {
        return new Point2D.Double(toOriginalX(inputX), toOriginalY(inputY));
    }

    /** Whether an input-space point lies on the model input, i.e. the model saw it. */
    public boolean isInsideInput(double inputX, double inputY) {
        return inputX >= 0 && inputX <= inputWidth && inputY >= 0 && inputY <= inputHeight;
    }
}
