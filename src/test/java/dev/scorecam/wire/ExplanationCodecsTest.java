package dev.scorecam.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scorecam.cam.BoxTarget;
import dev.scorecam.cam.FasterScoreCam;
import dev.scorecam.cam.GradCam;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;
import dev.scorecam.explain.ChosenBox;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.jobs.redis.UnreadablePayloadException;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.TorchEngine;

/**
 * What crosses Redis comes back as it left: a prepared request of the demo model and its
 * explanation, every pixel, float and field equal after encoding and decoding.
 */
class ExplanationCodecsTest {

    /** What a result's trip changes: the image (compared pixel by pixel) and the model (found again). */
    private static final String[] IGNORED = {"request.original", "request.model"};

    private static ModelRegistry models;
    private static Explainer explainer;

    @BeforeAll
    static void load() {
        ScoreCamProperties properties = TestProperties.cpu();
        models = new ModelRegistry(properties, new TorchEngine(properties));
        explainer = new Explainer(models, properties);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @Test
    void aPreparedRequestAndItsExplanationSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedRequest prepared = explainer.prepare(
                new ExplanationRequest("fashion-cnn", image, List.of("Sneaker", "Sandal"), null, null, "probability", 8,
                        Map.of(), false, 20, false));
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        PreparedRequest back = works.decode(works.encode(prepared));

        assertThat(back.model()).isSameAs(prepared.model());
        assertThat(back.choice().name()).isEqualTo(prepared.choice().name());
        assertThat(back.score()).isEqualTo(prepared.score());
        assertThat(back.batchSize()).isEqualTo(8);
        assertThat(back.targets().select(new float[10])).containsExactly(7, 5);
        assertSamePixels(back.original(), prepared.original());
        assertThat(back.input().placement()).isEqualTo(prepared.input().placement());
        assertThat(back.input().chw()).containsExactly(prepared.input().chw());
        assertThat(back.choice().name()).isEqualTo("scorecam");
        assertThat(back.metricsSteps()).isNull();
        assertThat(back.progressive()).isFalse();
        assertThat(back.traceParent()).isNull();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(returned.model()).isEqualTo(explanation.model());
        assertThat(returned).usingRecursiveComparison().ignoringFields(IGNORED).isEqualTo(explanation);
        assertSamePixels(returned.request().original(), explanation.request().original());
        assertThat(returned.result().maps()).extracting(m -> m.target().classIndex()).containsExactly(7, 5);
    }

    /**
     * A detector's box (the client's, in the wide fixture's pixels) and a detection by its index:
     * class, box in both pixel spaces, index and box rule come back, and the explanation's target is
     * the box again, scored as before.
     */
    @Test
    void aDetectorsBoxAndDetectionSurviveTheTrip() throws Exception {
        byte[] wide = Files.readAllBytes(Path.of("src/test/resources/detector/two-garments-wide.png"));
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);
        Codec<Explanation> results = ExplanationCodecs.results(models);
        for (ExplanationRequest request : List.of(
                new ExplanationRequest("fashion-detector", wide, List.of("Sneaker"), null, "eigencam", null, null,
                        Map.of(), true, 3, false, "210,164,378,212", null),
                new ExplanationRequest("fashion-detector", wide, List.of(), null, "eigencam", "probability", null,
                        Map.of(), false, 20, false, null, 1),
                new ExplanationRequest("fashion-detector", wide, List.of(), null, "eigencam", null, null,
                        Map.of(), false, 20, false, null, 0, "match"))) {
            PreparedRequest prepared = explainer.prepare(request);

            PreparedRequest back = works.decode(works.encode(prepared));

            assertThat(back.targets()).isInstanceOf(ChosenBox.class).isEqualTo(prepared.targets());
            // the detector's pass that found a detection travels with it, both ways
            assertThat(((ChosenBox) back.targets()).detectorPasses()).isEqualTo(request.detection() == null ? 0 : 1);
            assertThat(back.score()).isEqualTo(prepared.score());
            Explanation explanation = explainer.compute(back, (done, total) -> {});
            Explanation returned = results.decode(results.encode(explanation));
            assertThat(returned).usingRecursiveComparison().ignoringFields(IGNORED).isEqualTo(explanation);
            assertThat(returned.request().targets()).isEqualTo(prepared.targets());
            assertThat(returned.result().maps().get(0).target()).isInstanceOf(BoxTarget.class)
                    .isEqualTo(explanation.result().maps().get(0).target());
        }
    }

    /**
     * A method with parameters, the faithfulness asked for and progressive refinement: the choice
     * comes back bound as it was, and the explanation with its parameters and faithfulness (every
     * curve).
     */
    @Test
    void aMethodsChoiceTheFaithfulnessAndProgressiveSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image, List.of("Sneaker"),
                null, "faster-scorecam", "logit", 4, Map.of(MethodCatalogue.parameter("max-channels").orElseThrow(), 5,
                        MethodCatalogue.parameter("weighting").orElseThrow(), "relu-increase"), true, 6, true));
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        PreparedRequest back = works.decode(works.encode(prepared));

        assertThat(back.choice().name()).isEqualTo("faster-scorecam");
        assertThat(back.choice().arguments()).isEqualTo(prepared.choice().arguments());
        assertThat(back.choice().arguments().values()).extracting(a -> a.value()).containsExactly(5, "relu-increase");
        assertThat(back.choice().cam()).isInstanceOf(FasterScoreCam.class)
                .usingRecursiveComparison().isEqualTo(prepared.choice().cam());
        assertThat(back.metricsSteps()).isEqualTo(6);
        assertThat(back.progressive()).isTrue();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(explanation.faithfulness()).isNotNull();
        assertThat(explanation.faithfulness().classes()).singleElement()
                .satisfies(c -> assertThat(c.deletionCurve()).hasSize(7));
        assertThat(returned.faithfulnessMillis()).isEqualTo(explanation.faithfulnessMillis());
        assertThat(returned).usingRecursiveComparison().ignoringFields(IGNORED).isEqualTo(explanation);
    }

    /** What a progressive job's worker publishes after each batch: a partial explanation, decoded on any node. */
    @Test
    void partialExplanationsSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image, List.of("Sneaker"),
                null, "scorecam", "logit", 8, Map.of(), false, 20, true));
        List<Explanation> partials = new ArrayList<>();

        explainer.compute(prepared, (done, total) -> {}, partials::add);

        assertThat(partials).as("partial explanations, one per batch").hasSizeGreaterThan(1);
        Codec<Explanation> results = ExplanationCodecs.results(models);
        for (Explanation partial : List.of(partials.get(0), partials.get(partials.size() - 1))) {
            assertThat(results.decode(results.encode(partial))).usingRecursiveComparison()
                    .ignoringFields(IGNORED).isEqualTo(partial);
        }
    }

    /** A gradient method: no parameters, no metrics, and its backward passes counted through the trip. */
    @Test
    void aGradientMethodsBackwardPassesSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image,
                List.of("Sneaker", "Sandal"), null, "gradcam", "logit", null, Map.of(), false, 20, false));
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        PreparedRequest back = works.decode(works.encode(prepared));

        assertThat(back.choice().name()).isEqualTo("gradcam");
        assertThat(back.choice().arguments().values()).isEmpty();
        assertThat(back.choice().cam()).isInstanceOf(GradCam.class);
        assertThat(back.metricsSteps()).isNull();
        assertThat(back.progressive()).isFalse();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(explanation.result().backwardPasses()).isEqualTo(2);
        assertThat(returned.result().backwardPasses()).isEqualTo(2);
        assertThat(returned.faithfulness()).isNull();
        assertThat(returned).usingRecursiveComparison().ignoringFields(IGNORED).isEqualTo(explanation);
    }

    /**
     * A head-only method's head passes travel as a trailer after the explanation's fields; a payload
     * without it (an older node's, as committed) reads as none.
     */
    @Test
    void headPassesTravelAsATrailerAndAnOlderPayloadHasNone() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image,
                List.of(), null, "recipro-cam", "logit", null, Map.of(), false, 20, false));
        Explanation explanation = explainer.compute(prepared, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);

        Explanation returned = results.decode(results.encode(explanation));

        assertThat(explanation.result().headPasses()).isEqualTo(12 * 12);
        assertThat(returned.result().headPasses()).isEqualTo(explanation.result().headPasses());
        assertThat(returned).usingRecursiveComparison().ignoringFields(IGNORED).isEqualTo(explanation);
        Explanation older = results.decode(Files.readAllBytes(
                Path.of("src/test/resources/wire/result-v3.bin")));
        assertThat(older.result().headPasses()).isZero();
    }

    @Test
    void topKAndTheModelsOwnBatchSizeAreDecidedWhereTheJobIsComputed() {
        byte[] image = Uploads.png();
        PreparedRequest prepared = explainer.prepare(
                new ExplanationRequest("fashion-cnn", image, List.of(), 3, null, null, null, Map.of(), false, 20, false));
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        PreparedRequest back = works.decode(works.encode(prepared));

        float[] logits = {0, 5, 1, 9, 0, 0, 7, 0, 0, 0};
        assertThat(back.targets().select(logits)).containsExactly(3, 6, 1);
        assertThat(back.batchSize()).isEqualTo(back.model().batchSize());
    }

    /**
     * A node reads what a node of its own version and of the version before queued (a rolling
     * upgrade): the committed payloads, a faster-scorecam request for Sneaker and Sandal with its
     * metrics, and its result, written by each version's codec (WirePayloadWriter).
     */
    /**
     * The trace travels as a trailer after the request's fields: the request in it reads back with
     * its traceparent, and the bytes before the trailer are the request's without one, which is
     * what a node that knows no trailer reads (it reads no further).
     */
    @Test
    void theTraceOfARequestTravelsAsATrailerThatOlderReadersNeverReach() throws Exception {
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn",
                Files.readAllBytes(Path.of("samples/sneaker.png")), List.of(), null, null, null, null, Map.of(), false,
                20, false));
        String traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        byte[] traced = works.encode(prepared.inTrace(traceParent));
        byte[] untraced = works.encode(prepared);

        assertThat(works.decode(traced).traceParent()).isEqualTo(traceParent);
        assertThat(works.decode(untraced).traceParent()).isNull();
        byte[] rawTraced = inflated(traced);
        byte[] rawUntraced = inflated(untraced);
        assertThat(Arrays.copyOf(rawTraced, rawUntraced.length)).isEqualTo(rawUntraced);
        assertThat(rawTraced.length - rawUntraced.length).isEqualTo(Integer.BYTES + traceParent.length());
    }

    /**
     * A detection's detector passes follow the trace, after an empty one when the request has none
     * (which a node that knows only the trace reads as no parent): each reads back as it was.
     */
    @Test
    void theDetectorPassesOfADetectionFollowTheTraceWithOrWithoutOne() throws Exception {
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-detector",
                Files.readAllBytes(Path.of("src/test/resources/detector/two-garments.png")), List.of(), null,
                "eigencam", null, null, Map.of(), false, 20, false, null, 0));
        String traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);

        PreparedRequest untraced = works.decode(works.encode(prepared));
        PreparedRequest traced = works.decode(works.encode(prepared.inTrace(traceParent)));

        assertThat(((ChosenBox) prepared.targets()).detectorPasses()).isEqualTo(1);
        assertThat(untraced.targets()).isEqualTo(prepared.targets());
        assertThat(untraced.traceParent()).isNull();
        assertThat(traced.targets()).isEqualTo(prepared.targets());
        assertThat(traced.traceParent()).isEqualTo(traceParent);
    }

    @ParameterizedTest
    @ValueSource(ints = {ExplanationCodecs.PREVIOUS_VERSION, 3, ExplanationCodecs.VERSION})
    void theCommittedPayloadsOfThisVersionAndTheTwoBeforeAreRead(int version) throws Exception {
        Path wire = Path.of("src/test/resources/wire");
        PreparedRequest request = ExplanationCodecs.works(models)
                .decode(Files.readAllBytes(wire.resolve("request-v" + version + ".bin")));

        assertThat(request.model().name()).isEqualTo("fashion-cnn");
        assertThat(request.choice().name()).isEqualTo("faster-scorecam");
        // Versions 2 and 3 were written before the channel weighting was a parameter: it binds its default.
        assertThat(request.choice().arguments().values()).extracting(a -> a.parameter().name(), a -> a.value())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("max-channels", 5),
                        org.assertj.core.groups.Tuple.tuple("weighting", "softmax"));
        assertThat(request.targets().select(new float[10])).containsExactly(7, 5);
        assertThat(request.score()).isEqualTo(ScoreKind.PROBABILITY);
        assertThat(request.batchSize()).isEqualTo(4);
        assertThat(request.metricsSteps()).isEqualTo(6);
        assertThat(request.progressive()).isTrue();
        assertThat(request.input().chw()).hasSize(3 * 96 * 96);
        assertThat(request.original().getWidth()).isEqualTo(request.input().placement().originalWidth());

        Explanation explanation = ExplanationCodecs.results(models)
                .decode(Files.readAllBytes(wire.resolve("result-v" + version + ".bin")));

        assertThat(explanation.model().name()).isEqualTo("fashion-cnn");
        assertThat(explanation.request().choice().name()).isEqualTo("faster-scorecam");
        assertThat(explanation.request().score()).isEqualTo(ScoreKind.PROBABILITY);
        assertThat(explanation.request().batchSize()).isEqualTo(4);
        assertThat(explanation.precision()).isEqualTo("fp32");
        assertThat(explanation.result().maps()).extracting(m -> m.target().classIndex()).containsExactly(7, 5);
        assertThat(explanation.result().maps()).allSatisfy(m -> {
            assertThat(m.saliency().values()).hasSize(96 * 96);
            assertThat(m.saliency().weights()).hasSize(explanation.result().channels());
        });
        assertThat(explanation.result().channels()).isEqualTo(64);
        assertThat(explanation.faithfulness().classes()).hasSize(2)
                .allSatisfy(c -> assertThat(c.deletionCurve()).hasSize(7));
        // Computed again from the request: the payload's maps, within the goldens' 1e-6 (version 2's were
        // computed by that version's code).
        Explanation again = explainer.compute(request, (done, total) -> {});
        for (int t = 0; t < 2; t++) {
            assertThat(again.result().maps().get(t).saliency().values())
                    .containsExactly(explanation.result().maps().get(t).saliency().values(), within(1e-6f));
        }
    }

    /**
     * What a worker cannot read it refuses with a reason for the client, never an exception's text
     * nor a huge allocation: a later version's payload, and the committed payload cut short, with
     * a byte flipped in its fields, with its size claiming 2 GB, and empty.
     */
    @Test
    void aPayloadOfAnotherVersionOrCorruptIsRefusedWithAReason() throws Exception {
        Codec<PreparedRequest> works = ExplanationCodecs.works(models);
        byte[] good = Files.readAllBytes(Path.of("src/test/resources/wire/request-v3.bin"));
        byte[] future = good.clone();
        future[0] = 99;
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        byte[] huge = good.clone();
        java.nio.ByteBuffer.wrap(huge, 1, 4).putInt(Integer.MAX_VALUE);
        byte[] raw = inflated(good);
        raw[3] = (byte) 0x7f; // the model name's length, now far past the end
        byte[] flipped = deflated(3, raw);

        assertThat(works.version()).isEqualTo(4);
        assertThat(works.reads()).containsExactly(4, 3, 2);
        assertThatThrownBy(() -> works.decode(future)).isInstanceOf(UnreadablePayloadException.class)
                .hasMessage("the job's payload is of version 99; the worker that took it reads versions 4, 3 and 2 "
                        + "(the workers must run the version of the API instances or a newer one)");
        for (byte[] corrupt : List.of(cut, huge, flipped)) {
            assertThatThrownBy(() -> works.decode(corrupt)).isInstanceOf(UnreadablePayloadException.class)
                    .hasMessage("the job's payload (version 3) is corrupt or cut short");
        }
        assertThatThrownBy(() -> works.decode(new byte[0])).isInstanceOf(UnreadablePayloadException.class)
                .hasMessage("the job's payload is cut short (0 bytes)");
    }

    private static byte[] inflated(byte[] payload) throws java.util.zip.DataFormatException {
        byte[] raw = new byte[java.nio.ByteBuffer.wrap(payload, 1, 4).getInt()];
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        inflater.setInput(payload, 5, payload.length - 5);
        inflater.inflate(raw);
        inflater.end();
        return raw;
    }

    private static byte[] deflated(int version, byte[] raw) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] out = new byte[raw.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        byte[] payload = new byte[5 + n];
        payload[0] = (byte) version;
        java.nio.ByteBuffer.wrap(payload, 1, 4).putInt(raw.length);
        System.arraycopy(out, 0, payload, 5, n);
        return payload;
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getType()).isEqualTo(expected.getType());
        int w = expected.getWidth();
        int h = expected.getHeight();
        assertThat(actual.getRGB(0, 0, w, h, null, 0, w)).containsExactly(expected.getRGB(0, 0, w, h, null, 0, w));
    }

    /** A small opaque PNG. */
    private static final class Uploads {
        static byte[] png() {
            try {
                return Files.readAllBytes(Path.of("samples/bag.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
