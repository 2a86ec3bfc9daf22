package dev.scorecam.imaging;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Arrays;

/**
 * Brings whatever a decoder produced (grey, 16-bit, palette, alpha, ICC) to sRGB ints. Transparency
 * is kept, not composited: what a transparent pixel should stand for depends on the model (its
 * input normalisation), which decoding does not know.
 */
final class RgbConversion {

    private RgbConversion() {
    }

    /**
     * {@code TYPE_INT_RGB} when every pixel is opaque; otherwise {@code TYPE_INT_ARGB} with straight
     * (not premultiplied) alpha.
     */
    static BufferedImage toSrgb(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_INT_RGB) {
            return source;
        }
        int width = source.getWidth();
        int height = source.getHeight();
        int[] argb = new int[width * height];
        if (isPlainComponentModel(source.getColorModel())) {
            copyComponents(source.getRaster(), (ComponentColorModel) source.getColorModel(), argb);
        } else {
            copyThroughColorModel(source, argb);
        }
        boolean opaque = Arrays.stream(argb).allMatch(p -> p >>> 24 == 255);
        BufferedImage out = new BufferedImage(width, height,
                opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < argb.length; i++) {
            pixels[i] = opaque ? argb[i] & 0xFFFFFF : argb[i];
        }
        return out;
    }

    /**
     * Grey and sRGB component models are read straight from the raster. Java treats its grey
     * colour space as linear and would brighten mid-tones on conversion, but PNG and JPEG grey
     * samples are display-encoded exactly like sRGB, so each sample is only rescaled to 8 bits.
     */
    private static boolean isPlainComponentModel(ColorModel model) {
        if (!(model instanceof ComponentColorModel)) {
            return false;
        }
        int transfer = model.getTransferType();
        ColorSpace space = model.getColorSpace();
        return (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT)
                && (space.isCS_sRGB() || space.getType() == ColorSpace.TYPE_GRAY);
    }

    private static void copyComponents(Raster raster, ComponentColorModel model, int[] out) {
        int width = raster.getWidth();
        int bands = raster.getNumBands();
        int colours = model.getNumColorComponents();
        boolean alpha = model.hasAlpha();
        boolean premultiplied = model.isAlphaPremultiplied();
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1 << model.getComponentSize(b)) - 1;
        }
        int[] row = new int[width * bands];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0, i = 0; x < width; x++, i += bands) {
                int r = to8Bit(row[i], max[0]);
                int g = colours == 1 ? r : to8Bit(row[i + 1], max[1]);
                int b = colours == 1 ? r : to8Bit(row[i + 2], max[2]);
                int a = alpha ? to8Bit(row[i + colours], max[colours]) : 255;
                if (premultiplied) {
                    r = straight(r, a);
                    g = straight(g, a);
                    b = straight(b, a);
                }
                out[y * width + x] = a << 24 | r << 16 | g << 8 | b;
            }
        }
    }

    /** Palette, packed and ICC images: the colour model converts; getRGB is straight-alpha sRGB. */
    private static void copyThroughColorModel(BufferedImage source, int[] out) {
        int width = source.getWidth();
        for (int y = 0; y < source.getHeight(); y++) {
            source.getRGB(0, y, width, 1, out, y * width, width);
        }
    }

    /** A 0xAARRGGBB pixel composited over black, as 0xRRGGBB: for showing an image, never for the model. */
    static int overBlack(int argb) {
        int a = argb >>> 24;
        return a == 255 ? argb & 0xFFFFFF
                : overBlack(argb >> 16 & 0xFF, a) << 16 | overBlack(argb >> 8 & 0xFF, a) << 8 | overBlack(argb & 0xFF, a);
    }

    private static int to8Bit(int sample, int max) {
        return max == 255 ? sample : (sample * 255 + max / 2) / max;
    }

    private static int overBlack(int channel, int alpha) {
        return (channel * alpha + 127) / 255;
    }

    private static int straight(int premultiplied, int alpha) {
        return alpha == 0 ? 0 : Math.min(255, (premultiplied * 255 + alpha / 2) / alpha);
    }

    /**
     * Row-major pixels: 0xRRGGBB for opaque images, 0xAARRGGBB (straight alpha) for images with an
     * alpha channel; the decoder's own TYPE_INT_RGB images are read in place, not copied.
     */
    static int[] packedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getDataBuffer() instanceof DataBufferInt buffer
                && image.getSampleModel() instanceof SinglePixelPackedSampleModel model
                && model.getScanlineStride() == w && buffer.getOffset() == 0
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && buffer.getData().length == w * h) {
            return buffer.getData();
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }
}
