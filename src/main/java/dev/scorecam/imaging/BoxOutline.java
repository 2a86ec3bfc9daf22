package dev.scorecam.imaging;

import java.awt.image.BufferedImage;

/**
 * Outlines a box on a rendered heatmap: the pixels along its edges, inside it, in white with a
 * black line inside that (visible on any colormap), each line one pixel per 200 of the image's
 * longer side, at least one. The box is in the image's continuous pixel coordinates; the part
 * outside the image is not drawn.
 */
public final class BoxOutline {

    static final int WHITE = 0xFFFFFFFF;
    static final int BLACK = 0xFF000000;

    private BoxOutline() {}

    public static void draw(BufferedImage image, double x0, double y0, double x1, double y1) {
        int line = Math.max(1, (int) Math.round(Math.max(image.getWidth(), image.getHeight()) / 200.0));
        int left = (int) Math.floor(x0);
        int top = (int) Math.floor(y0);
        int right = (int) Math.ceil(x1) - 1;
        int bottom = (int) Math.ceil(y1) - 1;
        for (int i = 0; i < 2 * line; i++) {
            rectangle(image, left + i, top + i, right - i, bottom - i, i < line ? WHITE : BLACK);
        }
    }

    /** The one-pixel frame of [left,right] x [top,bottom], clipped to the image. */
    private static void rectangle(BufferedImage image, int left, int top, int right, int bottom, int argb) {
        if (left > right || top > bottom) {
            return;
        }
        for (int x = left; x <= right; x++) {
            set(image, x, top, argb);
            set(image, x, bottom, argb);
        }
        for (int y = top; y <= bottom; y++) {
            set(image, left, y, argb);
            set(image, right, y, argb);
        }
    }

    private static void set(BufferedImage image, int x, int y, int argb) {
        if (x >= 0 && y >= 0 && x < image.getWidth() && y < image.getHeight()) {
            image.setRGB(x, y, argb);
        }
    }
}
