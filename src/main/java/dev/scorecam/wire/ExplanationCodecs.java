package dev.scorecam.wire;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.BoxRule;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ClassFaithfulness;
import dev.scorecam.cam.ClassTarget;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.MethodArguments;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.MethodParameter;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.Target;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.Targets;
import dev.scorecam.explain.ChosenBox;
import dev.scorecam.explain.ChosenTargets;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Placement;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.jobs.redis.UnreadablePayloadException;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * Prepared requests and explanations as bytes, for the Redis queue: the fields in order, each
 * once, floats and pixels as they are (exact, nothing re-encoded lossily, arrays in bulk), the
 * whole deflated at its fastest level. A model travels by name and is found again in the reading
 * node's registry (every node serves the same model packages); a method by name and its arguments,
 * bound again by the reading node's catalogue. Each payload starts with a version byte: this
 * version reads its own payloads and those of the versions before, so that jobs queued before a
 * rolling upgrade are still computed and answered after it.
 */
public final class ExplanationCodecs {

    /**
     * 4: a method's text-valued parameters (Score-CAM's weighting, bound on every Score-CAM job) and
     * the overlap box rule, which a node of version 3 cannot read; its own payloads it reads as
     * before. 3: an explanation holds its request (each field written once). 2 is still read.
     */
    static final int VERSION = 4;
    static final int PREVIOUS_VERSION = 2;
    private static final List<Integer> READS = List.of(VERSION, 3, PREVIOUS_VERSION);
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** In top-k's place: the targets are a detector's box, scored by the match rule. */
    private static final int BOX = -1;
    /** In top-k's place: the targets are a detector's box, scored by the overlap rule. */
    private static final int BOX_BY_OVERLAP = -2;

    private ExplanationCodecs() {}

    public static Codec<PreparedRequest> works(ModelRegistry models) {
        return new Codec<>() {
            @Override
            public byte[] encode(PreparedRequest request) {
                return WireWriter.write(VERSION, out -> {
                    writeRequest(out, request, true);
                    writeTrailers(out, request);
                });
            }

            @Override
            public PreparedRequest decode(byte[] bytes) {
                return WireReader.read(bytes, READS, (version, in) -> version == PREVIOUS_VERSION
                        ? PreviousVersion.readRequest(in, models) : readTrailers(in, readRequest(in, models)));
            }

            @Override
            public int version() {
                return VERSION;
            }

            @Override
            public List<Integer> reads() {
                return READS;
            }
        };
    }

    public static Codec<Explanation> results(ModelRegistry models) {
        return new Codec<>() {
            @Override
            public byte[] encode(Explanation explanation) {
                return WireWriter.write(VERSION, out -> {
                    writeRequest(out, explanation.request(), false);
                    out.writeUTF(explanation.precision());
                    writeResult(out, explanation.result());
                    out.writeLong(explanation.computeMillis());
                    writeFaithfulness(out, explanation.faithfulness());
                    out.writeLong(explanation.faithfulnessMillis());
                    out.writeInt(explanation.result().headPasses());
                    writeDetectorPasses(out, explanation.request());
                });
            }

            @Override
            public Explanation decode(byte[] bytes) {
                return WireReader.read(bytes, READS, (version, in) -> {
                    if (version == PREVIOUS_VERSION) {
                        return PreviousVersion.readExplanation(in, models);
                    }
                    PreparedRequest request = readRequest(in, models);
                    String precision = in.readUTF();
                    CamResult result = readResult(in, request);
                    long computeMillis = in.readLong();
                    FaithfulnessResult faithfulness = readFaithfulness(in);
                    long faithfulnessMillis = in.readLong();
                    CamResult counted = withHeadPasses(result, readHeadPasses(in));
                    return new Explanation(readDetectorPasses(in, request), precision, counted, computeMillis,
                            faithfulness, faithfulnessMillis);
                });
            }
        };
    }

    /**
     * @param toCompute a request to compute: the model's own batch size then travels as such, to be
     *     the computing node's (tuned for its device); a result's is the one it was computed with
     */
    private static void writeRequest(WireWriter out, PreparedRequest request, boolean toCompute) {
        out.writeUTF(request.model().name());
        out.writeUTF(request.choice().name());
        writeArguments(out, request.choice().arguments());
        writeTargets(out, request.targets());
        out.writeUTF(request.score().name());
        out.writeInt(request.batchSize());
        out.writeBoolean(toCompute && request.batchSize() == request.model().batchSize());
        writeImage(out, request.original());
        writePlacement(out, request.input().placement());
        out.writeFloats(request.input().chw());
        out.writeBoolean(request.metricsSteps() != null);
        out.writeInt(request.metricsSteps() == null ? 0 : request.metricsSteps());
        out.writeBoolean(request.progressive());
    }

    private static PreparedRequest readRequest(WireReader in, ModelRegistry models) {
        ServedModel model = model(models, in.readUTF());
        MethodCatalogue.Choice choice = choice(in.readUTF(), readArguments(in));
        Targets targets = readTargets(in);
        ScoreKind score = ScoreKind.valueOf(in.readUTF());
        int asked = in.readInt();
        int batchSize = in.readBoolean() ? model.batchSize() : asked;
        BufferedImage original = readImage(in);
        Placement placement = readPlacement(in);
        ModelInput input = new ModelInput(in.readFloats(), placement);
        boolean metrics = in.readBoolean();
        int steps = in.readInt();
        return new PreparedRequest(model, choice, targets, score, batchSize, original, input,
                metrics ? Integer.valueOf(steps) : null, in.readBoolean());
    }

    /**
     * Optional trailers after a request to compute's fields, each written only when there is one, so
     * that a payload without them is byte for byte what it was: the trace it belongs to, then the
     * detector passes that found its box (after an empty trace when it has none, which a node that
     * knows only the trace reads as no parent). A node reads no further than the trailers it knows,
     * and finds none in an older payload.
     */
    private static void writeTrailers(WireWriter out, PreparedRequest request) {
        boolean detectorPasses = detectorPasses(request) > 0;
        if (request.traceParent() != null || detectorPasses) {
            out.writeUTF(request.traceParent() == null ? "" : request.traceParent());
        }
        if (detectorPasses) {
            writeDetectorPasses(out, request);
        }
    }

    private static PreparedRequest readTrailers(WireReader in, PreparedRequest request) {
        if (!in.hasMore()) {
            return request;
        }
        String traceParent = in.readUTF();
        return readDetectorPasses(in, traceParent.isEmpty() ? request : request.inTrace(traceParent));
    }

    /** The passes that found a detector's box, as a trailer: written only for a box that took some. */
    private static void writeDetectorPasses(WireWriter out, PreparedRequest request) {
        if (detectorPasses(request) > 0) {
            out.writeInt(detectorPasses(request));
        }
    }

    private static PreparedRequest readDetectorPasses(WireReader in, PreparedRequest request) {
        if (!in.hasMore() || !(request.targets() instanceof ChosenBox box)) {
            return request;
        }
        return new PreparedRequest(request.model(), request.choice(), box.withDetectorPasses(in.readInt()),
                request.score(), request.batchSize(), request.original(), request.input(), request.metricsSteps(),
                request.progressive(), request.traceParent());
    }

    private static int detectorPasses(PreparedRequest request) {
        return request.targets() instanceof ChosenBox box ? box.detectorPasses() : 0;
    }

    private static void writeResult(WireWriter out, CamResult result) {
        out.writeFloats(result.logits());
        out.writeInt(result.maps().size());
        for (TargetMap map : result.maps()) {
            out.writeInt(map.target().classIndex());
            writeSaliency(out, map.saliency());
        }
        out.writeInt(result.channels());
        out.writeInt(result.liveChannels());
        out.writeInt(result.forwardPasses());
        out.writeInt(result.backwardPasses());
    }

    /**
     * The head-only passes, a trailer after the explanation's fields: a node that knows none reads
     * no further, one that does finds none in an older node's payload (there were none to count).
     */
    private static int readHeadPasses(WireReader in) {
        return in.hasMore() ? in.readInt() : 0;
    }

    private static CamResult withHeadPasses(CamResult r, int headPasses) {
        return new CamResult(r.logits(), r.maps(), r.channels(), r.liveChannels(), r.forwardPasses(),
                r.backwardPasses(), headPasses);
    }

    /** A map's target travels as its class; a box is the request's own, which travels with it. */
    private static CamResult readResult(WireReader in, PreparedRequest request) {
        float[] logits = in.readFloats();
        List<TargetMap> maps = readMaps(in, c -> request.targets() instanceof ChosenBox box
                ? box.target(request.score()) : new ClassTarget(c, request.score()));
        return new CamResult(logits, maps, in.readInt(), in.readInt(), in.readInt(), in.readInt(), 0);
    }

    static List<TargetMap> readMaps(WireReader in, ScoreKind score) {
        return readMaps(in, c -> new ClassTarget(c, score));
    }

    private static List<TargetMap> readMaps(WireReader in, IntFunction<Target> target) {
        int count = in.readInt();
        List<TargetMap> maps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            maps.add(new TargetMap(target.apply(in.readInt()), readSaliency(in)));
        }
        return maps;
    }

    private static void writeSaliency(WireWriter out, Saliency saliency) {
        out.writeInt(saliency.width());
        out.writeInt(saliency.height());
        out.writeFloats(saliency.values());
        out.writeBoolean(saliency.allZero());
        out.writeDoubles(saliency.weights());
    }

    private static Saliency readSaliency(WireReader in) {
        return new Saliency(in.readInt(), in.readInt(), in.readFloats(), in.readBoolean(), in.readDoubles());
    }

    static ServedModel model(ModelRegistry models, String name) {
        return models.find(name).orElseThrow(() -> plausibleName(name) ? new UnreadablePayloadException(
                "the job is for model '" + name + "', which the worker that took it does not serve; every node needs "
                        + "the same models") : new IllegalStateException("a model name of a corrupt payload"));
    }

    /**
     * Whether a name not known here looks like a name at all: one that does is told to the client
     * (another version's), anything else is a corrupt payload, never echoed.
     */
    private static boolean plausibleName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The method as the catalogue binds it here (the same catalogue on every node). */
    static MethodCatalogue.Choice choice(String name, Map<MethodParameter, Object> given) {
        MethodCatalogue.Method method = MethodCatalogue.find(name).orElseThrow(() -> !plausibleName(name)
                ? new IllegalStateException("a method name of a corrupt payload") : new UnreadablePayloadException(
                "the job asks for method '" + name + "', which the worker that took it does not know; the workers "
                        + "must run the version of the API instances or a newer one"));
        return MethodCatalogue.choose(method, given);
    }

    /** Each value by its parameter's name, with its type (an integer parameter stays an integer in the response). */
    private static void writeArguments(WireWriter out, MethodArguments arguments) {
        out.writeInt(arguments.values().size());
        for (MethodArguments.Argument argument : arguments.values()) {
            out.writeUTF(argument.parameter().name());
            switch (argument.parameter().type()) {
                case INT32 -> {
                    out.writeByte('I');
                    out.writeInt(((Number) argument.value()).intValue());
                }
                case INT64 -> {
                    out.writeByte('L');
                    out.writeLong(((Number) argument.value()).longValue());
                }
                case DOUBLE -> {
                    out.writeByte('D');
                    out.writeDouble(((Number) argument.value()).doubleValue());
                }
                case CHOICE -> {
                    out.writeByte('S');
                    out.writeUTF((String) argument.value());
                }
            }
        }
    }

    /** What {@link #writeArguments} wrote (version 2 wrote its parameters the same way). */
    static Map<MethodParameter, Object> readArguments(WireReader in) {
        int count = in.readInt();
        Map<MethodParameter, Object> given = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            MethodParameter parameter = MethodCatalogue.parameter(name).orElseThrow(() -> !plausibleName(name)
                    ? new IllegalStateException("a parameter name of a corrupt payload") : new UnreadablePayloadException(
                    "the job sets parameter '" + name + "', which the worker that took it does not know; the workers "
                            + "must run the version of the API instances or a newer one"));
            byte type = in.readByte();
            given.put(parameter, switch (type) {
                case 'I' -> in.readInt();
                case 'L' -> in.readLong();
                case 'F', 'D' -> in.readDouble();
                case 'S' -> in.readUTF();
                default -> throw new IllegalStateException("a queued parameter of unknown type " + type);
            });
        }
        return given;
    }

    static void writeFaithfulness(WireWriter out, FaithfulnessResult faithfulness) {
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

    static FaithfulnessResult readFaithfulness(WireReader in) {
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

    /**
     * Classes as top-k (at least 0) and their count (-1 for the top k) then each; a detector's box
     * as a marker in top-k's place ({@value #BOX} for the match rule, {@value #BOX_BY_OVERLAP} for
     * the overlap rule), its class, the box in input and in image pixels and the detection's index.
     * The overlap rule's marker is new in version 4; a match-rule box is written as version 3 wrote it.
     */
    private static void writeTargets(WireWriter out, Targets targets) {
        if (targets instanceof ChosenBox box) {
            out.writeInt(box.rule() == BoxRule.MATCH ? BOX : BOX_BY_OVERLAP);
            out.writeInt(box.classIndex());
            writeBox(out, box.inInput());
            writeBox(out, box.inImage());
            out.writeInt(box.detection());
            return;
        }
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

    static Targets readTargets(WireReader in) {
        int topK = in.readInt();
        if (topK == BOX || topK == BOX_BY_OVERLAP) {
            return new ChosenBox(in.readInt(), readBox(in), readBox(in), in.readInt(),
                    topK == BOX ? BoxRule.MATCH : BoxRule.OVERLAP, 0); // its detector passes are a trailer's
        }
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

    private static void writeBox(WireWriter out, Box box) {
        out.writeDouble(box.x0());
        out.writeDouble(box.y0());
        out.writeDouble(box.x1());
        out.writeDouble(box.y1());
    }

    private static Box readBox(WireReader in) {
        return new Box(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    /** ARGB pixels and whether the image has alpha (the decoder makes INT_RGB or INT_ARGB). */
    private static void writeImage(WireWriter out, BufferedImage image) {
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

    static BufferedImage readImage(WireReader in) {
        int width = in.readInt();
        int height = in.readInt();
        boolean alpha = in.readBoolean();
        if (width < 0 || height < 0 || (long) width * height > in.remaining() / Integer.BYTES) {
            throw new UnreadablePayloadException("the job's image is cut short");
        }
        BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            in.readInts(row);
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        return image;
    }

    private static void writePlacement(WireWriter out, Placement p) {
        out.writeInt(p.originalWidth());
        out.writeInt(p.originalHeight());
        out.writeInt(p.inputWidth());
        out.writeInt(p.inputHeight());
        out.writeDouble(p.scaleX());
        out.writeDouble(p.scaleY());
        out.writeDouble(p.offsetX());
        out.writeDouble(p.offsetY());
    }

    static Placement readPlacement(WireReader in) {
        return new Placement(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    }

}
