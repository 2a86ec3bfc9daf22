package dev.scorecam.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.cam.ClassExplanation;
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

        Explanation explanation = explainer.compute(back, (done, total) -> {});
        Codec<Explanation> results = ExplanationCodecs.results(models);
        Explanation returned = results.decode(results.encode(explanation));

        assertThat(returned.model()).isEqualTo(explanation.model());
        assertThat(returned).usingRecursiveComparison().ignoringFields("original", "model").isEqualTo(explanation);
        assertSamePixels(returned.original(), explanation.original());
        assertThat(returned.result().explanations()).extracting(ClassExplanation::target).containsExactly(7, 5);
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
