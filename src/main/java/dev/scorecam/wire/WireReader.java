package dev.scorecam.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.scorecam.jobs.redis.UnreadablePayloadException;

/** Reads a payload that {@link WireWriter} wrote: its version, then its fields. */
final class WireReader {

    /** The fields of a payload of the given version. */
    @FunctionalInterface
    interface Fields<T> {
        T read(int version, WireReader in);
    }

    /** Deflate's largest ratio of inflated to deflated bytes: a payload claiming more is corrupt. */
    private static final long MOST_INFLATED_PER_BYTE = 1032;
    private static final int HEADER = 1 + Integer.BYTES;

    /**
     * @param versions the versions this node reads, newest first
     * @throws UnreadablePayloadException for a version not among them, or bytes that are not a
     *     whole payload of its version; its message is for the client whose job it was
     */
    static <T> T read(byte[] bytes, List<Integer> versions, Fields<T> fields) {
        if (bytes.length < HEADER) {
            throw new UnreadablePayloadException("the job's payload is cut short (" + bytes.length + " bytes)");
        }
        int version = bytes[0] & 0xff;
        if (!versions.contains(version)) {
            throw new UnreadablePayloadException("the job's payload is of version " + version + "; the worker that "
                    + "took it reads versions " + listed(versions)
                    + " (the workers must run the version of the API instances or a newer one)");
        }
        String corrupt = "the job's payload (version " + version + ") is corrupt or cut short";
        int size = ByteBuffer.wrap(bytes, 1, Integer.BYTES).getInt();
        if (size < 0 || size > (bytes.length - HEADER) * MOST_INFLATED_PER_BYTE) {
            throw new UnreadablePayloadException(corrupt);
        }
        byte[] raw = new byte[size];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, HEADER, bytes.length - HEADER);
            int filled = 0;
            while (filled < raw.length) {
                int n = inflater.inflate(raw, filled, raw.length - filled);
                if (n == 0 && (inflater.finished() || inflater.needsInput())) {
                    throw new UnreadablePayloadException(corrupt);
                }
                filled += n;
            }
        } catch (DataFormatException e) {
            throw new UnreadablePayloadException(corrupt, e);
        } finally {
            inflater.end();
        }
        try {
            return fields.read(version, new WireReader(ByteBuffer.wrap(raw)));
        } catch (UnreadablePayloadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnreadablePayloadException(corrupt, e); // a length or a name that makes no sense
        }
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
        byte[] utf8 = new byte[length(1)];
        buffer.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    int remaining() {
        return buffer.remaining();
    }

    /** A count of values of {@code bytes} each that follow: what remains must hold them. */
    private int length(int bytes) {
        int count = readInt();
        if (count < 0 || count > buffer.remaining() / bytes) {
            throw new BufferUnderflowException();
        }
        return count;
    }

    void readInts(int[] values) {
        buffer.asIntBuffer().get(values);
        buffer.position(buffer.position() + values.length * Integer.BYTES);
    }

    double[] readDoubles() {
        double[] values = new double[length(Double.BYTES)];
        buffer.asDoubleBuffer().get(values);
        buffer.position(buffer.position() + values.length * Double.BYTES);
        return values;
    }

    float[] readFloats() {
        float[] values = new float[length(Float.BYTES)];
        buffer.asFloatBuffer().get(values);
        buffer.position(buffer.position() + values.length * Float.BYTES);
        return values;
    }

    /** "4, 3 and 2". */
    private static String listed(List<Integer> versions) {
        List<String> names = versions.stream().map(String::valueOf).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
