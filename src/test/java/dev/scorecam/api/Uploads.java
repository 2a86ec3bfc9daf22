package dev.scorecam.api;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;


import dev.scorecam.imaging.TestImages;

/** Uploads as users (and attackers) send them, built in memory: no binary fixtures in the repo. */
final class Uploads {

    private Uploads() {}

    /** A small garment-like picture: a light shape on a dark background, some detail to explain. */
    static BufferedImage picture(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20, 30, 40));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(220, 200, 180));
        g.fillOval(width / 5, height / 4, width * 3 / 5, height / 2);
        g.setColor(new Color(90, 60, 200));
        g.fillRect(width / 3, height / 3, Math.max(1, width / 6), Math.max(1, height / 6));
        g.dispose();
        return image;
    }

    static byte[] png(int width, int height) {
        return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "png");
    }

    static byte[] jpeg(int width, int height) {
        return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "jpeg");
    }

    static byte[] encode(BufferedImage image, String format) {
        return TestImages.encode(image, format);
    }

    /** 16-bit grey: the picture's luminance in the high byte. */
    static byte[] png16BitGrey(int width, int height) {
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        grey.createGraphics().drawImage(picture(width, height, BufferedImage.TYPE_INT_RGB), 0, 0, null);
        return encode(grey, "png");
    }

    /** Four channels written as they are, with the Adobe marker Photoshop writes: a CMYK JPEG. */
    static byte[] cmykJpeg(int width, int height) {
        WritableRaster cmyk = Raster.createBandedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                cmyk.setPixel(x, y, new int[] {x * 255 / width, y * 255 / height, 40, 10});
            }
        }
        return TestImages.withAdobeCmykMarker(TestImages.encodeRaster(cmyk, "jpeg"));
    }

    /** An APP1 Exif segment with one IFD0 entry, the orientation tag (0x0112). */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        return TestImages.withExifOrientation(jpeg, orientation, true);
    }

    static byte[] animatedGif(int width, int height, int frames) {
        BufferedImage[] images = new BufferedImage[frames];
        for (int i = 0; i < frames; i++) {
            images[i] = picture(width, height, BufferedImage.TYPE_BYTE_INDEXED);
            images[i].setRGB(i % width, 0, 0xFFFFFF);
        }
        return TestImages.gif(images);
    }

    static byte[] withPngSize(byte[] png, int width, int height) {
        return TestImages.withPngSize(png, width, height);
    }

    /** A JPEG whose SOF0 frame header claims the given size (the first SOF marker found). */
    static byte[] withJpegSize(byte[] jpeg, int width, int height) {
        byte[] patched = jpeg.clone();
        for (int i = 2; i + 8 < patched.length; i++) {
            if ((patched[i] & 0xFF) == 0xFF && ((patched[i + 1] & 0xFF) == 0xC0 || (patched[i + 1] & 0xFF) == 0xC2)) {
                patched[i + 5] = (byte) (height >> 8);
                patched[i + 6] = (byte) height;
                patched[i + 7] = (byte) (width >> 8);
                patched[i + 8] = (byte) width;
                return patched;
            }
        }
        throw new IllegalArgumentException("no SOF0/SOF2 marker");
    }

    static byte[] truncated(byte[] bytes, int keep) {
        return Arrays.copyOf(bytes, keep);
    }
}
