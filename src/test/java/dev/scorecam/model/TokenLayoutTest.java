package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.Device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;

/**
 * Packages whose target layer gives tokens: a torchvision ViT cut where its class token is among
 * them (tools/make_vit_goldens.py writes it) has no head, and a token grid must be the declared one.
 */
class TokenLayoutTest {

    static final Path CLASS_TOKEN = Path.of("src/test/resources/models/tiny-vit-class-token");

    @Test
    void aLayerWithAClassTokenServesTheMethodsThatNeedNoHead() {
        try (ServedModel vit = ServedModel.load(ModelPackageReader.read(CLASS_TOKEN), Device.cpu(), 16, 0)) {
            assertThat(vit.modelPackage().layout()).isEqualTo(
                    new ActivationLayout(ActivationLayout.Kind.TOKENS, 1, 4, 4));
            assertThat(vit.capabilities()).isEmpty();
            assertThat(vit.methods().stream().map(MethodCatalogue.Method::name))
                    .contains("scorecam", "faster-scorecam", "eigencam")
                    .doesNotContain("gradcam", "ablation-cam", "recipro-cam");
            assertThat(vit.channels()).isEqualTo(16);
            assertThat(vit.activationWidth()).isEqualTo(4);

            float[] input = new float[3 * 32 * 32];
            Arrays.fill(input, 0.5f);
            CamResult result = vit.explain(input, Targets.of(3), ScoreKind.LOGIT, 16, Progress.NONE, (m, n) -> {});
            assertThat(result.liveChannels()).isEqualTo(16);
            assertThat(result.forwardPasses()).isEqualTo(16 + 2);
        }
    }

    @Test
    void aGridOtherThanTheDeclaredOneStopsStartUpNamingTheFile(@TempDir Path dir) throws IOException {
        Files.copy(CLASS_TOKEN.resolve("model.pt"), dir.resolve("model.pt"));
        Files.writeString(dir.resolve("model.yaml"), Files.readString(CLASS_TOKEN.resolve("model.yaml"))
                .replace("grid: {width: 4, height: 4}", "grid: {width: 2, height: 8}"));
        ModelPackage declared = ModelPackageReader.read(dir);
        assertThatThrownBy(() -> ServedModel.load(declared, Device.cpu(), 16, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(dir.resolve("model.pt").toString())
                .hasMessageContaining("features() gave a 4x4 grid, but model.yaml declares a 2x8 token grid");
    }
}
