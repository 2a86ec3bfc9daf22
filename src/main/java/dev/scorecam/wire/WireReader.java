package dev.scorecam.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads a payload that {@link WireWriter} wrote: its version, then its fields. */
final class WireReader {

    /** The fields of a payload of the given version. */
    @FunctionalInterface
    interface Fields<T> {
        T read(int version, WireReader in);
    }

    /** @param versions the versions this node reads */
    static <T> T read(byte[] bytes, List<Integer> versions, Fields<T> fields) {
        int version = bytes[0] & 0xff;
        if (!versions.contains(version)) {
            throw new IllegalStateException("a queued payload of version " + version + "; this node reads " + versions);
        }
        byte[] raw = new byte[ByteBuffer.wrap(bytes, 1, Integer.BYTES).getInt()];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, 1 + Integer.BYTES, bytes.length - 1 - Integer.BYTES);
            int filled = 0;
            while (filled < raw.length) {
                int n = inflater.inflate(raw, filled, raw.length - filled);
                if (n == 0 && (inflater.finished() || inflater.needsInput())) {
                    throw new IllegalStateException("a queued payload is cut short");
                }
                filled += n;
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("a queued payload is corrupt", e);
        } finally {
            inflater.end();
        }
        return fields.read(version, new WireReader(ByteBuffer.wrap(raw)));
    }


    private final ByteBuffer buffer;

    private WireReader(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Whether fields follow: an optional trailer that older payloads lack. */
    boolean hasMore() {
        return buffer.hasRemaining();
    }

    int readInt() {
        return buffer.getInt();
    }

    long readLong() {
        return buffer.getLong();
    }

    double readDouble() {
        return buffer.getDouble();
    }

    byte readByte() {
        return buffer.get();
    }

    boolean readBoolean() {
        return buffer.get() != 0;
    }

    String readUTF() {
        byte[] utf8 = new byte[readInt()];
        buffer.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    void readInts(int[] values) {
        buffer.asIntBuffer().get(values);
        buffer.position(buffer.position() + values.length * Integer.BYTES);
    }

    double[] readDoubles() {
        double[] values = new double[readInt()];
        buffer.asDoubleBuffer().get(values);
        buffer.position(buffer.position() + values.length * Double.BYTES);
        return values;
    }

    float[] readFloats() {
        float[] values = new float[readInt()];
        buffer.asFloatBuffer().get(values);
        buffer.position(buffer.position() + values.length * Float.BYTES);
        return values;
    }
}
