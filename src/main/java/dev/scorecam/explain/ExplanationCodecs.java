package dev.scorecam.explain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.ClassFaithfulness;
import dev.scorecam.cam.ClassTarget;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Placement;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * Prepared requests and explanations as bytes, for the Redis queue: the fields in order, floats
 * and pixels as they are (exact, nothing re-encoded lossily, arrays in bulk), the whole deflated
 * at its fastest level. A model travels by name and is found again in the reading node's registry (every node
 * serves the same model packages). Each payload starts with a version byte, so that a field can
 * be added later by a new version that still reads the old.
 */
final class ExplanationCodecs {

    /** 2: the method's choice, metrics and progressive; backward passes and faithfulness in results. */
    private static final int VERSION = 2;

    private ExplanationCodecs() {}

    static Codec<PreparedExplanation> works(ModelRegistry models) {
        return new Codec<>() {
            @Override
            public byte[] encode(PreparedExplanation prepared) {
                return write(out -> {
                    out.writeUTF(prepared.model().name());
                    out.writeUTF(prepared.method());
                    writeTargets(out, prepared.targets());
                    out.writeUTF(prepared.score().name());
                    out.writeInt(prepared.batchSize());
                    // The model's own batch size is the computing node's (tuned for its device), not this one's
                    out.writeBoolean(prepared.batchSize() == prepared.model().batchSize());
                    writeImage(out, prepared.original());
                    writePlacement(out, prepared.input().placement());
                    writeFloats(out, prepared.input().chw());
                    out.writeUTF(prepared.choice().name());
                    writeParameters(out, prepared.choice().parameters());
                    out.writeBoolean(prepared.metricsSteps() != null);
                    out.writeInt(prepared.metricsSteps() == null ? 0 : prepared.metricsSteps());
                    out.writeBoolean(prepared.progressive());
                });
            }

            @Override
            public PreparedExplanation decode(byte[] bytes) {
                return read(bytes, in -> {
                    ServedModel model = model(models, in.readUTF());
                    String method = in.readUTF();
                    Targets targets = readTargets(in);
                    ScoreKind score = ScoreKind.valueOf(in.readUTF());
                    int asked = in.readInt();
                    int batchSize = in.readBoolean() ? model.batchSize() : asked;
                    BufferedImage original = readImage(in);
                    Placement placement = readPlacement(in);
                    ModelInput input = new ModelInput(readFloats(in), placement);
                    MethodCatalogue.Choice choice = choice(in.readUTF(), readParameters(in));
                    boolean metrics = in.readBoolean();
                    int steps = in.readInt();
                    return new PreparedExplanation(model, method, targets, score, batchSize, original, input, choice,
                            metrics ? Integer.valueOf(steps) : null, in.readBoolean());
                });
            }
        };
    }

    static Codec<Explanation> results(ModelRegistry models) {
        return new Codec<>() {
            @Override
            public byte[] encode(Explanation explanation) {
                return write(out -> {
                    out.writeUTF(explanation.model().name());
                    out.writeUTF(explanation.method());
                    out.writeUTF(explanation.score().name());
                    out.writeInt(explanation.batchSize());
                    out.writeUTF(explanation.precision());
                    writeImage(out, explanation.original());
                    writePlacement(out, explanation.placement());
                    writeFloats(out, explanation.probabilities());
                    CamResult result = explanation.result();
                    writeFloats(out, result.logits());
                    out.writeInt(result.maps().size());
                    for (TargetMap map : result.maps()) {
                        out.writeInt(map.target().classIndex());
                        Saliency saliency = map.saliency();
                        out.writeInt(saliency.width());
                        out.writeInt(saliency.height());
                        writeFloats(out, saliency.values());
                        out.writeBoolean(saliency.allZero());
                        out.writeInt(saliency.weights().length);
                        for (double weight : saliency.weights()) {
                            out.writeDouble(weight);
                        }
                    }
                    out.writeInt(result.channels());
                    out.writeInt(result.liveChannels());
                    out.writeInt(result.forwardPasses());
                    out.writeInt(result.backwardPasses());
                    out.writeLong(explanation.computeMillis());
                    writeParameters(out, explanation.parameters());
                    writeFaithfulness(out, explanation.faithfulness());
                    out.writeLong(explanation.faithfulnessMillis());
                });
            }

            @Override
            public Explanation decode(byte[] bytes) {
                return read(bytes, in -> {
                    ServedModel model = model(models, in.readUTF());
                    String method = in.readUTF();
                    ScoreKind score = ScoreKind.valueOf(in.readUTF());
                    int batchSize = in.readInt();
                    String precision = in.readUTF();
                    BufferedImage original = readImage(in);
                    Placement placement = readPlacement(in);
                    float[] probabilities = readFloats(in);
                    float[] logits = readFloats(in);
                    int maps = in.readInt();
                    List<TargetMap> explanations = new ArrayList<>(maps);
                    for (int i = 0; i < maps; i++) {
                        int target = in.readInt();
                        int width = in.readInt();
                        int height = in.readInt();
                        float[] values = readFloats(in);
                        boolean allZero = in.readBoolean();
                        double[] weights = new double[in.readInt()];
                        for (int w = 0; w < weights.length; w++) {
                            weights[w] = in.readDouble();
                        }
                        explanations.add(new TargetMap(new ClassTarget(target, score), new Saliency(width, height, values, allZero, weights)));
                    }
                    CamResult result = new CamResult(logits, explanations, in.readInt(), in.readInt(),
                            in.readInt(), in.readInt());
                    long computeMillis = in.readLong();
                    Map<String, Number> parameters = readParameters(in);
                    FaithfulnessResult faithfulness = readFaithfulness(in);
                    return new Explanation(model.modelPackage(), method, score, batchSize, precision, original, placement,
                            probabilities, result, computeMillis, parameters, faithfulness, in.readLong());
                });
            }
        };
    }

    private static ServedModel model(ModelRegistry models, String name) {
        return models.find(name).orElseThrow(() -> new IllegalStateException(
                "model '" + name + "' came through the queue but is not served here; every node needs the same models"));
    }

    /** The method as the catalogue binds it here (the same catalogue on every node). */
    private static MethodCatalogue.Choice choice(String name, Map<String, Number> parameters) {
        MethodCatalogue.Method method = MethodCatalogue.find(name).orElseThrow(() -> new IllegalStateException(
                "method '" + name + "' came through the queue but is not known here; every node needs the same version"));
        return MethodCatalogue.choose(method, parameters);
    }

    /** Each value with its type (an integer parameter stays an integer in the response). */
    private static void writeParameters(Out out, Map<String, Number> parameters) {
        out.writeInt(parameters.size());
        parameters.forEach((name, value) -> {
            out.writeUTF(name);
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                out.writeByte('I');
                out.writeInt(value.intValue());
            } else if (value instanceof Long) {
                out.writeByte('L');
                out.writeLong(value.longValue());
            } else if (value instanceof Float) {
                out.writeByte('F');
                out.writeDouble(value.floatValue());
            } else {
                out.writeByte('D');
                out.writeDouble(value.doubleValue());
            }
        });
    }

    private static Map<String, Number> readParameters(In in) {
        int count = in.readInt();
        Map<String, Number> parameters = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            byte type = in.readByte();
            parameters.put(name, switch (type) {
                case 'I' -> in.readInt();
                case 'L' -> in.readLong();
                case 'F' -> (float) in.readDouble();
                case 'D' -> in.readDouble();
                default -> throw new IllegalStateException("a queued parameter of unknown type " + type);
            });
        }
        return Collections.unmodifiableMap(parameters);
    }

    private static void writeFaithfulness(Out out, FaithfulnessResult faithfulness) {
        out.writeBoolean(faithfulness != null);
        if (faithfulness == null) {
            return;
        }
        out.writeInt(faithfulness.forwardPasses());
        out.writeInt(faithfulness.classes().size());
        for (ClassFaithfulness c : faithfulness.classes()) {
            out.writeInt(c.target());
            out.writeDouble(c.score());
            out.writeDouble(c.maskedScore());
            out.writeDouble(c.averageDrop());
            out.writeBoolean(c.increase());
            out.writeDouble(c.deletion());
            out.writeDouble(c.insertion());
            out.writeInt(c.steps());
            out.writeDoubles(c.deletionCurve());
            out.writeDoubles(c.insertionCurve());
        }
    }

    private static FaithfulnessResult readFaithfulness(In in) {
        if (!in.readBoolean()) {
            return null;
        }
        int forwardPasses = in.readInt();
        int count = in.readInt();
        List<ClassFaithfulness> classes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            classes.add(new ClassFaithfulness(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readBoolean(), in.readDouble(), in.readDouble(), in.readInt(), in.readDoubles(), in.readDoubles()));
        }
        return new FaithfulnessResult(List.copyOf(classes), forwardPasses);
    }

    private static void writeTargets(Out out, Targets targets) {
        if (!(targets instanceof ChosenTargets chosen)) {
            throw new IllegalArgumentException("only targets chosen from a request can be queued");
        }
        out.writeInt(chosen.topK());
        out.writeInt(chosen.classes() == null ? -1 : chosen.classes().length);
        if (chosen.classes() != null) {
            for (int c : chosen.classes()) {
                out.writeInt(c);
            }
        }
    }

    private static Targets readTargets(In in) {
        int topK = in.readInt();
        int count = in.readInt();
        if (count < 0) {
            return ChosenTargets.top(topK);
        }
        int[] classes = new int[count];
        for (int i = 0; i < count; i++) {
            classes[i] = in.readInt();
        }
        return ChosenTargets.of(classes);
    }

    /** ARGB pixels and whether the image has alpha (the decoder makes INT_RGB or INT_ARGB). */
    private static void writeImage(Out out, BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        out.writeInt(width);
        out.writeInt(height);
        out.writeBoolean(image.getColorModel().hasAlpha());
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            out.writeInts(row);
        }
    }

    private static BufferedImage readImage(In in) {
        int width = in.readInt();
        int height = in.readInt();
        boolean alpha = in.readBoolean();
        BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            in.readInts(row);
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        return image;
    }

    private static void writePlacement(Out out, Placement p) {
        out.writeInt(p.originalWidth());
        out.writeInt(p.originalHeight());
        out.writeInt(p.inputWidth());
        out.writeInt(p.inputHeight());
        out.writeDouble(p.scaleX());
        out.writeDouble(p.scaleY());
        out.writeDouble(p.offsetX());
        out.writeDouble(p.offsetY());
    }

    private static Placement readPlacement(In in) {
        return new Placement(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    private static void writeFloats(Out out, float[] values) {
        out.writeFloats(values);
    }

    private static float[] readFloats(In in) {
        return in.readFloats();
    }

    private interface Writer {
        void write(Out out);
    }

    private interface Reader<T> {
        T read(In in);
    }

    /** A version byte, the raw length, then the fields deflated at the fastest level. */
    private static byte[] write(Writer writer) {
        Out out = new Out();
        writer.write(out);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(out.buffer.array(), 0, out.buffer.position());
            deflater.finish();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.buffer.position() / 2 + 16);
            bytes.write(VERSION);
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

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        int version = bytes[0] & 0xff;
        if (version != VERSION) {
            throw new IllegalStateException("a queued payload of version " + version + "; this node reads " + VERSION);
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
        return reader.read(new In(ByteBuffer.wrap(raw)));
    }

    /** Fields into a growing buffer; arrays in bulk (element by element through a stream was the slow part). */
    private static final class Out {

        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

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

    private static final class In {

        private final ByteBuffer buffer;

        In(ByteBuffer buffer) {
            this.buffer = buffer;
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
}
