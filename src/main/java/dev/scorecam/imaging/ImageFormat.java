package dev.scorecam.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** The formats we decode, recognised by their leading bytes only. */
public enum ImageFormat {
    PNG("PNG", "png"),
    JPEG("JPEG", "jpeg"),
    GIF("GIF", "gif"),
    BMP("BMP", "bmp"),
    WEBP("WebP", "webp"),
    TIFF("TIFF", "tiff");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] GIF87A = "GIF87a".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GIF89A = "GIF89a".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RIFF = "RIFF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WEBP_FORM = "WEBP".getBytes(StandardCharsets.US_ASCII);
    /** Byte order (II little-endian, MM big-endian), then 42 (TIFF) or 43 (BigTIFF) in that order. */
    private static final byte[][] TIFF_HEADERS = {{'I', 'I', 42, 0}, {'M', 'M', 0, 42}, {'I', 'I', 43, 0}, {'M', 'M', 0, 43}};

    private final String displayName;
    private final String imageIoName;

    ImageFormat(String displayName, String imageIoName) {
        this.displayName = displayName;
        this.imageIoName = imageIoName;
    }

    String imageIoName() {
        return imageIoName;
    }

    @Override
    public String toString() {
        return displayName;
    }

    static Optional<ImageFormat> sniff(byte[] bytes) {
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        // SOI followed by the first marker's 0xFF.
        if (startsWith(bytes, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) {
            return Optional.of(GIF);
        }
        if (isBmp(bytes)) {
            return Optional.of(BMP);
        }
        // A RIFF container (a WAV or an AVI is one too) whose form type is WEBP.
        if (startsWith(bytes, RIFF) && bytes.length >= 12 && Arrays.equals(bytes, 8, 12, WEBP_FORM, 0, 4)) {
            return Optional.of(WEBP);
        }
        if (Arrays.stream(TIFF_HEADERS).anyMatch(header -> startsWith(bytes, header))) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /** "BM" alone would match text such as "BMW"; the DIB header size after it must be a known one. */
    private static boolean isBmp(byte[] bytes) {
        if (bytes.length < 18 || bytes[0] != 'B' || bytes[1] != 'M') {
            return false;
        }
        int dibHeaderSize = (bytes[14] & 0xFF) | (bytes[15] & 0xFF) << 8
                | (bytes[16] & 0xFF) << 16 | (bytes[17] & 0xFF) << 24;
        return switch (dibHeaderSize) {
            case 12, 16, 40, 52, 56, 64, 108, 124 -> true;
            default -> false;
        };
    }

    private static boolean startsWith(byte[] bytes, byte... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
