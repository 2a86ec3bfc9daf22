package dev.scorecam.imaging;

import java.awt.image.BufferedImage;

/**
 * Decoded image to model input: resize per {@link ResizeMode}, scale to [0,1], composite any
 * transparency over the model's mean colour, normalise, CHW.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    public static ModelInput prepare(BufferedImage rgb, InputFormat format) {
        int width = format.width();
        int height = format.height();
        Placement placement = Placement.of(format.resize(), rgb.getWidth(), rgb.getHeight(), width, height);

        // Input pixels whose centres fall on the image; only letterbox leaves some out.
        int x0 = firstCovered(placement.offsetX());
        int x1 = lastCovered(placement.offsetX(), rgb.getWidth() * placement.scaleX(), width);
        int y0 = firstCovered(placement.offsetY());
        int y1 = lastCovered(placement.offsetY(), rgb.getHeight() * placement.scaleY(), height);
        boolean transparent = rgb.getColorModel().hasAlpha();
        float[][] planes = Resampler.resample(RgbConversion.packedRgb(rgb), rgb.getWidth(),
                Resampler.axis(rgb.getWidth(), x0, x1 + 1, placement.scaleX(), placement.offsetX()),
                Resampler.axis(rgb.getHeight(), y0, y1 + 1, placement.scaleY(), placement.offsetY()),
                transparent);

        // Zero-filled: the letterbox border is 0 in normalised space, "no signal" to the model.
        float[] chw = new float[3 * width * height];
        float[] mean = format.mean();
        float[] std = format.std();
        int covered = x1 - x0 + 1;
        for (int c = 0; c < 3; c++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int i = (y - y0) * covered + (x - x0);
                    // Float weights sum to 1 only within an ulp; never hand the model more than 1.
                    float value = Math.min(255f, planes[c][i]) / 255f;
                    if (transparent) {
                        // Over the mean colour, which normalises to 0: a transparent pixel is no
                        // signal, exactly like the letterbox border (black is that only for mean 0).
                        value += (1 - Math.min(255f, planes[3][i]) / 255f) * mean[c];
                    }
                    chw[(c * height + y) * width + x] = (value - mean[c]) / std[c];
                }
            }
        }
        return new ModelInput(chw, placement);
    }

    private static int firstCovered(double offset) {
        return Math.max(0, (int) Math.ceil(offset - 0.5));
    }

    private static int lastCovered(double offset, double extent, int size) {
        return Math.min(size - 1, (int) Math.floor(offset + extent - 0.5));
    }
}
