package dev.scorecam.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment) and the
 * transform that makes the decoded pixels upright. Values follow the TIFF/EXIF spec: 1 upright,
 * 2 mirrored, 3 rotated 180°, 4 flipped, 5 transposed, 6 needs 90° clockwise, 7 transversed,
 * 8 needs 90° counter-clockwise. EXIF is advisory: anything malformed reads as 1, never an error.
 */
record ExifOrientation(int value) {

    static final ExifOrientation UPRIGHT = new ExifOrientation(1);

    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;

    ExifOrientation {
        if (value < 1 || value > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8, was " + value);
        }
    }

    /** Walks the JPEG marker segments up to the first scan, looking for APP1 "Exif\0\0". */
    static ExifOrientation of(byte[] jpeg) {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                return UPRIGHT;
            }
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image
                return UPRIGHT;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length field
                pos += 2;
                continue;
            }
            int length = u16(jpeg, pos + 2, true);
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return UPRIGHT;
            }
            if (marker == 0xE1 && length >= 8 && isExifHeader(jpeg, pos + 4)) {
                return fromTiff(jpeg, pos + 10, end);
            }
            pos = end;
        }
        return UPRIGHT;
    }

    private static boolean isExifHeader(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f'
                && b[at + 4] == 0 && b[at + 5] == 0;
    }

    /** Reads IFD0 of the TIFF structure in [start, end); offsets in it are relative to start. */
    private static ExifOrientation fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return UPRIGHT;
        }
        boolean bigEndian;
        if (b[start] == 'M' && b[start + 1] == 'M') {
            bigEndian = true;
        } else if (b[start] == 'I' && b[start + 1] == 'I') {
            bigEndian = false;
        } else {
            return UPRIGHT;
        }
        if (u16(b, start + 2, bigEndian) != 42) {
            return UPRIGHT;
        }
        long ifd = start + u32(b, start + 4, bigEndian);
        if (ifd + 2 > end) {
            return UPRIGHT;
        }
        int entries = u16(b, (int) ifd, bigEndian);
        for (int i = 0; i < entries; i++) {
            int entry = (int) ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                return UPRIGHT;
            }
            if (u16(b, entry, bigEndian) == ORIENTATION_TAG) {
                int value = u16(b, entry + 8, bigEndian);
                boolean valid = u16(b, entry + 2, bigEndian) == TYPE_SHORT && value >= 1 && value <= 8;
                return valid ? new ExifOrientation(value) : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        int hi = b[bigEndian ? at : at + 1] & 0xFF;
        int lo = b[bigEndian ? at + 1 : at] & 0xFF;
        return hi << 8 | lo;
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        long first = u16(b, bigEndian ? at : at + 2, bigEndian);
        long second = u16(b, bigEndian ? at + 2 : at, bigEndian);
        return first << 16 | second;
    }

    boolean swapsAxes() {
        return value >= 5;
    }

    /** Returns the upright image; for each upright pixel, finds the stored pixel that belongs there. */
    BufferedImage apply(BufferedImage stored) {
        if (value == 1) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        int outW = swapsAxes() ? h : w;
        int outH = swapsAxes() ? w : h;
        int[] src = RgbConversion.packedRgb(stored);
        BufferedImage upright = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) upright.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (value) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                dst[y * outW + x] = src[sy * w + sx] & 0xFFFFFF;
            }
        }
        return upright;
    }
}
