package dev.scorecam.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.FasterScoreCam;
import dev.scorecam.cam.GradCam;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.TorchEngine;

/**
 * What crosses Redis comes back as it left: a prepared request of the demo model and its
 * explanation, every pixel, float and field equal after encoding and decoding.
 */
class ExplanationCodecsTest {

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
        PreparedExplanation prepared = explainer.prepare(
                new ExplanationRequest("fashion-cnn", image, List.of("Sneaker", "Sandal"), null, null, "probability", 8));
        Codec<PreparedExplanation> works = ExplanationCodecs.works(models);

        PreparedExplanation back = works.decode(works.encode(prepared));

        assertThat(back.model()).isSameAs(prepared.model());
        assertThat(back.method()).isEqualTo(prepared.method());
        assertThat(back.score()).isEqualTo(prepared.score());
        assertThat(back.batchSize()).isEqualTo(8);
        assertThat(back.targets().select(new float[10])).containsExactly(7, 5);
        assertSamePixels(back.original(), prepared.original());
        assertThat(back.input().placement()).isEqualTo(prepared.input().placement());
        assertThat(back.input().chw()).containsExactly(prepared.input().chw());
        assertThat(back.choice().name()).isEqualTo("scorecam");
        assertThat(back.metricsSteps()).isNull();
        assertThat(back.progressive()).isFalse();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(returned.model()).isEqualTo(explanation.model());
        assertThat(returned).usingRecursiveComparison().ignoringFields("original", "model").isEqualTo(explanation);
        assertSamePixels(returned.original(), explanation.original());
        assertThat(returned.result().maps()).extracting(m -> m.target().classIndex()).containsExactly(7, 5);
    }

    /**
     * A method with parameters, the faithfulness asked for and progressive refinement: the choice
     * comes back bound as it was, and the explanation with its parameters and faithfulness (every
     * curve).
     */
    @Test
    void aMethodsChoiceTheFaithfulnessAndProgressiveSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedExplanation prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image, List.of("Sneaker"),
                null, "faster-scorecam", "logit", 4, Map.of("max-channels", 5), true, 6, true));
        Codec<PreparedExplanation> works = ExplanationCodecs.works(models);

        PreparedExplanation back = works.decode(works.encode(prepared));

        assertThat(back.method()).isEqualTo("faster-scorecam");
        assertThat(back.choice().name()).isEqualTo("faster-scorecam");
        assertThat(back.choice().parameters()).containsExactly(entry("max-channels", 5));
        assertThat(back.choice().method()).isInstanceOf(FasterScoreCam.class)
                .usingRecursiveComparison().isEqualTo(prepared.choice().method());
        assertThat(back.metricsSteps()).isEqualTo(6);
        assertThat(back.progressive()).isTrue();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(explanation.faithfulness()).isNotNull();
        assertThat(explanation.faithfulness().classes()).singleElement()
                .satisfies(c -> assertThat(c.deletionCurve()).hasSize(7));
        assertThat(returned.parameters()).containsExactly(entry("max-channels", 5));
        assertThat(returned.faithfulnessMillis()).isEqualTo(explanation.faithfulnessMillis());
        assertThat(returned).usingRecursiveComparison().ignoringFields("original", "model").isEqualTo(explanation);
    }

    /** What a progressive job's worker publishes after each batch: a partial explanation, decoded on any node. */
    @Test
    void partialExplanationsSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedExplanation prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image, List.of("Sneaker"),
                null, "scorecam", "logit", 8, Map.of(), null, null, true));
        List<Explanation> partials = new ArrayList<>();

        explainer.compute(prepared, (done, total) -> {}, partials::add);

        assertThat(partials).as("partial explanations, one per batch").hasSizeGreaterThan(1);
        Codec<Explanation> results = ExplanationCodecs.results(models);
        for (Explanation partial : List.of(partials.get(0), partials.get(partials.size() - 1))) {
            assertThat(results.decode(results.encode(partial))).usingRecursiveComparison()
                    .ignoringFields("original", "model").isEqualTo(partial);
        }
    }

    /** A gradient method: no parameters, no metrics, and its backward passes counted through the trip. */
    @Test
    void aGradientMethodsBackwardPassesSurviveTheTrip() throws Exception {
        byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
        PreparedExplanation prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image,
                List.of("Sneaker", "Sandal"), null, "gradcam", "logit", null));
        Codec<PreparedExplanation> works = ExplanationCodecs.works(models);

        PreparedExplanation back = works.decode(works.encode(prepared));

        assertThat(back.choice().name()).isEqualTo("gradcam");
        assertThat(back.choice().parameters()).isEmpty();
        assertThat(back.choice().method()).isInstanceOf(GradCam.class);
        assertThat(back.metricsSteps()).isNull();
        assertThat(back.progressive()).isFalse();

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(explanation.result().backwardPasses()).isEqualTo(2);
        assertThat(returned.result().backwardPasses()).isEqualTo(2);
        assertThat(returned.faithfulness()).isNull();
        assertThat(returned).usingRecursiveComparison().ignoringFields("original", "model").isEqualTo(explanation);
    }

    @Test
    void topKAndTheModelsOwnBatchSizeAreDecidedWhereTheJobIsComputed() {
        byte[] image = Uploads.png();
        PreparedExplanation prepared = explainer.prepare(
                new ExplanationRequest("fashion-cnn", image, List.of(), 3, null, null, null));
        Codec<PreparedExplanation> works = ExplanationCodecs.works(models);

        PreparedExplanation back = works.decode(works.encode(prepared));

        float[] logits = {0, 5, 1, 9, 0, 0, 7, 0, 0, 0};
        assertThat(back.targets().select(logits)).containsExactly(3, 6, 1);
        assertThat(back.batchSize()).isEqualTo(back.model().batchSize());
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
