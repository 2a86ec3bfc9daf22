package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scorecam.cam.CamMethod;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Network;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;

/**
 * The onnxruntime engine against the reference, the same network as TorchScript
 * (tools/make_onnx_test_models.py writes both): every method that needs no gradients gives the
 * same map; a broken or mismatched .onnx stops loading with a message naming the file.
 */
class OnnxNetworkTest {

    static final Path TWIN = Path.of("src/test/resources/models/twin");
    /** float32 through two engines that fuse operators differently: equal to a few ulps of the scores. */
    static final double MIN_CORRELATION = 0.9999;
    static final double MAX_ABS_DIFFERENCE = 1e-4;

    static ServedModel torchScript;
    static ServedModel onnx;
    /** The network exported without the activations, then packaged by tools/package_onnx.py. */
    static ServedModel packaged;

    @BeforeAll
    static void load() {
        torchScript = ServedModel.load(ModelPackageReader.read(TWIN.resolve("torchscript")), Device.cpu(), 8, 0);
        onnx = ServedModel.load(ModelPackageReader.read(TWIN.resolve("onnxruntime")), Device.cpu(), 8, 0);
        packaged = ServedModel.load(ModelPackageReader.read(TWIN.resolve("packaged")), Device.cpu(), 8, 0);
    }

    @AfterAll
    static void close() {
        torchScript.close();
        onnx.close();
        packaged.close();
    }

    @Test
    void servesTheTargetLayerAndOffersNoGradients() {
        assertThat(onnx.modelPackage().engine()).isEqualTo(ModelEngine.ONNXRUNTIME);
        assertThat(onnx.channels()).isEqualTo(torchScript.channels()).isEqualTo(12);
        assertThat(onnx.activationHeight()).isEqualTo(8);
        assertThat(onnx.network().capabilities()).containsExactly(Network.Capability.HEAD);
        assertThat(onnx.form()).isEqualTo("ONNX on ONNX Runtime, with head.onnx");
        assertThat(torchScript.network().capabilities())
                .containsExactlyInAnyOrder(Network.Capability.HEAD, Network.Capability.GRADIENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scorecam", "faster-scorecam", "sscam", "iscam"})
    void givesTheTorchScriptTwinsMap(String name) {
        CamMethod method = MethodCatalogue.choose(MethodCatalogue.find(name).orElseThrow(), Map.of()).cam();
        float[] image = image(7);
        CamResult expected = torchScript.explain(method, image, Targets.topK(2), ScoreKind.PROBABILITY, 8,
                Progress.NONE, ForwardPassListener.NONE);
        for (ServedModel model : new ServedModel[] {onnx, packaged}) {
            CamResult actual = model.explain(method, image, Targets.topK(2), ScoreKind.PROBABILITY, 8,
                    Progress.NONE, ForwardPassListener.NONE);
            assertSameMaps(name + " on " + model.name(), actual, expected);
        }
    }

    static void assertSameMaps(String name, CamResult actual, CamResult expected) {
        assertThat(actual.forwardPasses()).isEqualTo(expected.forwardPasses());
        assertThat(maxAbsDifference(actual.logits(), expected.logits())).isLessThan(MAX_ABS_DIFFERENCE);
        for (int t = 0; t < expected.maps().size(); t++) {
            assertThat(actual.maps().get(t).target()).isEqualTo(expected.maps().get(t).target());
            assertThat(expected.maps().get(t).saliency().allZero()).as("a map to compare").isFalse();
            float[] want = expected.maps().get(t).saliency().values();
            float[] got = actual.maps().get(t).saliency().values();
            assertThat(PrecisionTest.correlation(got, want)).as("correlation of the %s maps", name)
                    .isGreaterThanOrEqualTo(MIN_CORRELATION);
            assertThat(maxAbsDifference(got, want)).as("max |difference| of the %s maps", name)
                    .isLessThan(MAX_ABS_DIFFERENCE);
        }
    }

    @Test
    void withoutHeadOnnxOffersNothingAndStillRunsScoreCam(@TempDir Path dir) throws IOException {
        copyPackage(dir, "model.onnx");
        try (ServedModel withoutHead = ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), 8, 0)) {
            assertThat(withoutHead.network().capabilities()).isEmpty();
            assertThat(withoutHead.form()).isEqualTo("ONNX on ONNX Runtime, no head.onnx");
            float[] image = image(3);
            CamResult expected = torchScript.explain(image, Targets.of(1), ScoreKind.LOGIT, 8, Progress.NONE,
                    ForwardPassListener.NONE);
            CamResult actual = withoutHead.explain(image, Targets.of(1), ScoreKind.LOGIT, 8, Progress.NONE,
                    ForwardPassListener.NONE);
            assertThat(PrecisionTest.correlation(actual.maps().get(0).saliency().values(),
                    expected.maps().get(0).saliency().values())).isGreaterThanOrEqualTo(MIN_CORRELATION);
        }
    }

    @Test
    void aFileThatIsNotOnnxStopsLoadingNamingIt(@TempDir Path dir) throws IOException {
        copyPackage(dir);
        Files.writeString(dir.resolve("model.onnx"), "not a graph");
        assertThatThrownBy(() -> ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), 8, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageStartingWith(dir.resolve("model.onnx") + ": not a valid ONNX graph");
    }

    @Test
    void aGraphWithoutTheActivationsOutputStopsLoadingNamingIt(@TempDir Path dir) throws IOException {
        copyPackage(dir);
        Files.copy(Path.of("src/test/resources/models/onnx-broken/logits-only.onnx"), dir.resolve("model.onnx"));
        assertThatThrownBy(() -> ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), 8, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageStartingWith(dir.resolve("model.onnx") + ": has 1 output(s) [logits]");
    }

    @Test
    void aHeadThatDoesNotFitTheModelStopsLoadingNamingIt(@TempDir Path dir) throws IOException {
        copyPackage(dir, "model.onnx");
        // The network itself as head.onnx: it takes images, not the (N,12,8,8) activations.
        Files.copy(Path.of("src/test/resources/models/onnx-broken/logits-only.onnx"), dir.resolve("head.onnx"));
        assertThatThrownBy(() -> ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), 8, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageStartingWith(dir.resolve("model.onnx") + ": cannot be loaded")
                .hasMessageContaining("head.onnx");
    }

    @Test
    void labelsThatDoNotMatchTheLogitsStopLoadingNamingTheFile(@TempDir Path dir) throws IOException {
        copyPackage(dir, "model.onnx", "head.onnx");
        Files.writeString(dir.resolve("model.yaml"), Files.readString(dir.resolve("model.yaml"))
                .replace("labels: [a, b, c, d, e]", "labels: [a, b, c]"));
        assertThatThrownBy(() -> ServedModel.load(ModelPackageReader.read(dir), Device.cpu(), 8, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageStartingWith(dir.resolve("model.onnx") + ": ")
                .hasMessageContaining("(1,3) for the 3 labels");
    }

    private static void copyPackage(Path dir, String... files) throws IOException {
        Files.copy(TWIN.resolve("onnxruntime/model.yaml"), dir.resolve("model.yaml"));
        for (String file : files) {
            Files.copy(TWIN.resolve("onnxruntime").resolve(file), dir.resolve(file));
        }
    }

    /** A seeded 32 x 32 image in the model's normalised space. */
    static float[] image(long seed) {
        return image(seed, 32);
    }

    /** A seeded side x side image in the model's normalised space. */
    static float[] image(long seed, int side) {
        Random random = new Random(seed);
        float[] chw = new float[3 * side * side];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) random.nextGaussian();
        }
        return chw;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
