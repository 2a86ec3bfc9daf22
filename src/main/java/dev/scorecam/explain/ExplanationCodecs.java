package dev.scorecam.explain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

import dev.scorecam.cam.ClassExplanation;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.ScoreCamResult;
import dev.scorecam.cam.ScoreType;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Placement;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * Prepared requests and explanations as bytes, for the Redis queue: the fields in order, floats
 * and pixels as they are (exact, nothing re-encoded lossily), the whole deflated at its fastest
 * level. A model travels by name and is found again in the reading node's registry (every node
 * serves the same model packages). Each payload starts with a version byte, so that a field can
 * be added later by a new version that still reads the old.
 */
final class ExplanationCodecs {

    private static final int VERSION = 1;

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
                });
            }

            @Override
            public PreparedExplanation decode(byte[] bytes) {
                return read(bytes, in -> {
                    ServedModel model = model(models, in.readUTF());
                    String method = in.readUTF();
                    Targets targets = readTargets(in);
                    ScoreType score = ScoreType.valueOf(in.readUTF());
                    int asked = in.readInt();
                    int batchSize = in.readBoolean() ? model.batchSize() : asked;
                    BufferedImage original = readImage(in);
                    Placement placement = readPlacement(in);
                    return new PreparedExplanation(model, method, targets, score, batchSize, original,
                            new ModelInput(readFloats(in), placement));
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
                    ScoreCamResult result = explanation.result();
                    writeFloats(out, result.logits());
                    out.writeInt(result.explanations().size());
                    for (ClassExplanation map : result.explanations()) {
                        out.writeInt(map.target());
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
                    out.writeLong(explanation.computeMillis());
                });
            }

            @Override
            public Explanation decode(byte[] bytes) {
                return read(bytes, in -> {
                    ServedModel model = model(models, in.readUTF());
                    String method = in.readUTF();
                    ScoreType score = ScoreType.valueOf(in.readUTF());
                    int batchSize = in.readInt();
                    String precision = in.readUTF();
                    BufferedImage original = readImage(in);
                    Placement placement = readPlacement(in);
                    float[] probabilities = readFloats(in);
                    float[] logits = readFloats(in);
                    int maps = in.readInt();
                    List<ClassExplanation> explanations = new ArrayList<>(maps);
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
                        explanations.add(new ClassExplanation(target, new Saliency(width, height, values, allZero, weights)));
                    }
                    ScoreCamResult result = new ScoreCamResult(logits, explanations, in.readInt(), in.readInt(), in.readInt());
                    return new Explanation(model.modelPackage(), method, score, batchSize, precision, original, placement,
                            probabilities, result, in.readLong());
                });
            }
        };
    }

    private static ServedModel model(ModelRegistry models, String name) {
        return models.find(name).orElseThrow(() -> new IllegalStateException(
                "model '" + name + "' came through the queue but is not served here; every node needs the same models"));
    }

    private static void writeTargets(DataOutputStream out, Targets targets) throws IOException {
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

    private static Targets readTargets(DataInputStream in) throws IOException {
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
    private static void writeImage(DataOutputStream out, BufferedImage image) throws IOException {
        int width = image.getWidth();
        int height = image.getHeight();
        out.writeInt(width);
        out.writeInt(height);
        out.writeBoolean(image.getColorModel().hasAlpha());
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int pixel : row) {
                out.writeInt(pixel);
            }
        }
    }

    private static BufferedImage readImage(DataInputStream in) throws IOException {
        int width = in.readInt();
        int height = in.readInt();
        boolean alpha = in.readBoolean();
        BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = in.readInt();
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        return image;
    }

    private static void writePlacement(DataOutputStream out, Placement p) throws IOException {
        out.writeInt(p.originalWidth());
        out.writeInt(p.originalHeight());
        out.writeInt(p.inputWidth());
        out.writeInt(p.inputHeight());
        out.writeDouble(p.scaleX());
        out.writeDouble(p.scaleY());
        out.writeDouble(p.offsetX());
        out.writeDouble(p.offsetY());
    }

    private static Placement readPlacement(DataInputStream in) throws IOException {
        return new Placement(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float value : values) {
            out.writeFloat(value);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                new DeflaterOutputStream(bytes, deflater, 1 << 16), 1 << 16))) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                new InflaterInputStream(new ByteArrayInputStream(bytes)), 1 << 16))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("a queued payload of version " + version + "; this node reads " + VERSION);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
