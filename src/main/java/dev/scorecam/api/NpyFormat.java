package dev.scorecam.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.springframework.http.MediaType;

import dev.scorecam.cam.Saliency;

/**
 * A map as a NumPy {@code .npy} file (format version 1.0): little-endian float32, shape
 * (height, width), C order, so that {@code numpy.load} reads it with no other argument.
 */
final class NpyFormat {

    static final String MEDIA_TYPE_VALUE = "application/x-npy";
    static final MediaType MEDIA_TYPE = MediaType.parseMediaType(MEDIA_TYPE_VALUE);

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** The header is padded so that the data starts on a multiple of this, as NumPy writes it. */
    private static final int ALIGNMENT = 64;

    private NpyFormat() {}

    static byte[] encode(Saliency map) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }"
                .formatted(map.height(), map.width());
        int unpadded = MAGIC.length + Short.BYTES + dict.length() + 1; // + the closing newline
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String header = dict + " ".repeat(padding) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer npy = ByteBuffer.allocate(MAGIC.length + Short.BYTES + headerBytes.length
                + map.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        npy.put(MAGIC).putShort((short) headerBytes.length).put(headerBytes);
        npy.asFloatBuffer().put(map.values());
        return npy.array();
    }
}
