package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.scorecam.ServerTest;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;
import tools.jackson.databind.json.JsonMapper;

/**
 * Does the demo model's Score-CAM point at the garment? The pointing game on the held-out
 * evaluation set (datasets/fashion-canvas-eval, garments at random places on cluttered canvases,
 * ground-truth boxes): a hit when the map's maximum lies inside the box. Compared with pointing
 * at the image centre, which is what a map that ignores the image would score.
 */
@Tag(ServerTest.SLOW)
class DemoModelLocalizationTest {

    static final Path EVAL = Path.of("datasets/fashion-canvas-eval");

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Item(String file, int label, int[] box) {
        boolean contains(int x, int y) {
            return x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Annotations(List<Item> images) {}

    @Test
    void scoreCamPointsAtTheGarment() throws IOException {
        Annotations annotations = JsonMapper.builder().build()
                .readValue(EVAL.resolve("annotations.json").toFile(), Annotations.class);
        ImageDecoder decoder = new ImageDecoder(1_000_000);
        int hits = 0;
        int centreHits = 0;
        try (ServedModel model = ServedModel.load(
                ModelPackageReader.read(Path.of("src/main/resources/demo-model/fashion-cnn")), Device.cpu(), 64, 1)) {
            for (Item item : annotations.images()) {
                ModelInput input = Preprocessor.prepare(
                        decoder.decode(Files.readAllBytes(EVAL.resolve(item.file()))), model.modelPackage().input());
                Saliency map = model.explain(input.chw(), Targets.of(item.label()), ScoreKind.LOGIT, 64,
                        Progress.NONE, ForwardPassListener.NONE).maps().get(0).saliency();
                int peak = argmax(map.values());
                hits += item.contains(peak % map.width(), peak / map.width()) ? 1 : 0;
                centreHits += item.contains(map.width() / 2, map.height() / 2) ? 1 : 0;
            }
        }
        double pointing = (double) hits / annotations.images().size();
        double centre = (double) centreHits / annotations.images().size();
        System.out.printf("pointing game on %d images: Score-CAM %.3f, centre %.3f%n",
                annotations.images().size(), pointing, centre);
        assertThat(annotations.images()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(pointing).isGreaterThanOrEqualTo(0.85);
        assertThat(pointing).isGreaterThan(centre + 0.3);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
