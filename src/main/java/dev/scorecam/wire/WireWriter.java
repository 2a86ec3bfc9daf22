package dev.scorecam.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.zip.Deflater;

/**
 * Writes a payload: fields into a growing buffer, arrays in bulk, then a version byte, the raw
 * length and the fields deflated at the fastest level ({@link WireReader} reads it).
 */
final class WireWriter {

    static byte[] write(int version, Consumer<WireWriter> fields) {
        WireWriter out = new WireWriter();
        fields.accept(out);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(out.buffer.array(), 0, out.buffer.position());
            deflater.finish();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.buffer.position() / 2 + 16);
            bytes.write(version);
            bytes.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(out.buffer.position()).array());
            byte[] chunk = new byte[1 << 16];
            while (!deflater.finished()) {
                bytes.write(chunk, 0, deflater.deflate(chunk));
            }
            return bytes.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private WireWriter() {}


    private ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    private void room(long bytes) {
        if (buffer.remaining() < bytes) {
            long needed = buffer.position() + bytes;
            ByteBuffer larger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.capacity())));
            buffer.flip();
            buffer = larger.put(buffer);
        }
    }

    void writeInt(int value) {
        room(Integer.BYTES);
        buffer.putInt(value);
    }

    void writeLong(long value) {
        room(Long.BYTES);
        buffer.putLong(value);
    }

    void writeDouble(double value) {
        room(Double.BYTES);
        buffer.putDouble(value);
    }

    void writeByte(int value) {
        room(1);
        buffer.put((byte) value);
    }

    void writeBoolean(boolean value) {
        room(1);
        buffer.put((byte) (value ? 1 : 0));
    }

    void writeUTF(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        room(utf8.length);
        buffer.put(utf8);
    }

    void writeInts(int[] values) {
        room((long) values.length * Integer.BYTES);
        buffer.asIntBuffer().put(values);
        buffer.position(buffer.position() + values.length * Integer.BYTES);
    }

    void writeDoubles(double[] values) {
        writeInt(values.length);
        room((long) values.length * Double.BYTES);
        buffer.asDoubleBuffer().put(values);
        buffer.position(buffer.position() + values.length * Double.BYTES);
    }

    void writeFloats(float[] values) {
        writeInt(values.length);
        room((long) values.length * Float.BYTES);
        buffer.asFloatBuffer().put(values);
        buffer.position(buffer.position() + values.length * Float.BYTES);
    }
}
