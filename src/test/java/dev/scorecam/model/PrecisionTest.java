package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import ai.djl.Device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.scorecam.cam.Progress;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.Preprocessor;

/** The network in bf16 (model-bf16.pt, from tools/reduce_precision.py) gives the float32 maps, near enough. */
class PrecisionTest {

    static final Path DEMO = Path.of("src/main/resources/demo-model/fashion-cnn");
    static final Path QUADRANTS = Path.of("src/test/resources/models/quadrants");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sneaker", "trouser", "bag", "ankle-boot"})
    void demoModelMapsInBf16FollowFloat32(String sample) throws IOException {
        ModelPackage demo = ModelPackageReader.read(DEMO);
        float[] chw = Preprocessor.prepare(new ImageDecoder(1_000_000).decode(
                Files.readAllBytes(Path.of("samples", sample + ".png"))), demo.input()).chw();
        try (ServedModel fp32 = load(demo, Precision.FP32); ServedModel bf16 = load(demo, Precision.BF16)) {
            CamResult full = explain(fp32, chw, Targets.topK(1));
            int target = full.maps().get(0).target().classIndex();
            CamResult reduced = explain(bf16, chw, Targets.of(target));

            assertThat(bf16.precision()).isEqualTo(Precision.BF16);
            assertThat(correlation(full.maps().get(0).saliency().values(),
                    reduced.maps().get(0).saliency().values())).isGreaterThanOrEqualTo(0.99);
            assertThat(reduced.forwardPasses()).isEqualTo(full.forwardPasses());
        }
    }

    @ParameterizedTest(name = "class {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void theAnalyticModelInBf16StillLightsItsQuadrant(int quadrant) {
        int size = 32;
        float[] ink = new float[3 * size * size];
        Arrays.fill(ink, 1f);
        try (ServedModel bf16 = load(ModelPackageReader.read(QUADRANTS), Precision.BF16)) {
            Saliency map = explain(bf16, ink, Targets.of(quadrant)).maps().get(0).saliency();
            double inside = 0;
            double outside = 0;
            for (int i = 0; i < map.values().length; i++) {
                int x = i % size;
                int y = i / size;
                int q = (y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1);
                if (q == quadrant) {
                    inside += map.values()[i];
                } else {
                    outside += map.values()[i];
                }
            }
            int perQuadrant = size * size / 4;
            assertThat(inside / perQuadrant).as("mean inside").isGreaterThan(0.5);
            assertThat(outside / (3 * perQuadrant)).as("mean outside").isLessThan(0.1);
        }
    }

    @Test
    void aPrecisionWithoutItsWeightsFileIsRefusedNamingTheFileAndTheTool(@TempDir Path dir) throws IOException {
        Files.copy(QUADRANTS.resolve("model.yaml"), dir.resolve("model.yaml"));
        Files.copy(QUADRANTS.resolve("model.pt"), dir.resolve("model.pt"));
        assertThatThrownBy(() -> load(ModelPackageReader.read(dir), Precision.BF16))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(dir.resolve("model-bf16.pt").toString())
                .hasMessageContaining("tools/reduce_precision.py");
    }

    @Test
    void aBf16NetworkWithoutTheFloat32InterfaceIsRefusedWithoutHarm(@TempDir Path dir) throws IOException {
        // quadrants' model.pt cast to bf16 as is (raw-bf16-quadrants.pt): it takes bf16 input, which DJL cannot make.
        Files.copy(QUADRANTS.resolve("model.yaml"), dir.resolve("model.yaml"));
        Files.copy(QUADRANTS.resolve("model.pt"), dir.resolve("model.pt"));
        Files.copy(QUADRANTS.resolveSibling("raw-bf16-quadrants.pt"), dir.resolve("model-bf16.pt"));
        assertThatThrownBy(() -> load(ModelPackageReader.read(dir), Precision.BF16))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("must take and return float32")
                .hasMessageContaining("tools/reduce_precision.py");
    }

    @Test
    void fp16IsRefusedOnTheCpuAndBf16FallsBackWithoutNativeSupport() {
        assertThatThrownBy(() -> PrecisionSupport.onDevice("m", Precision.FP16, Device.cpu(), true))
                .hasMessageContaining("fp16 is not served on the CPU");
        assertThat(PrecisionSupport.onDevice("m", Precision.BF16, Device.cpu(), false)).isEqualTo(Precision.FP32);
        assertThat(PrecisionSupport.onDevice("m", Precision.BF16, Device.cpu(), true)).isEqualTo(Precision.BF16);
        assertThat(PrecisionSupport.onDevice("m", Precision.FP16, Device.gpu(0), false)).isEqualTo(Precision.FP16);
    }

    @Test
    void nativeBf16IsReadFromTheCpuFlags(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n");
        assertThat(CpuFeatures.nativeBf16(CpuFeatures.flags(cpuinfo))).isTrue();
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n");
        assertThat(CpuFeatures.nativeBf16(CpuFeatures.flags(cpuinfo))).isFalse();
        assertThat(CpuFeatures.flags(dir.resolve("absent"))).isEmpty();
    }

    static ServedModel load(ModelPackage modelPackage, Precision precision) {
        return ServedModel.load(modelPackage, Device.cpu(),
                new ServingOptions(precision, BatchSize.of(16), 1, 16, Duration.ZERO, true));
    }

    static CamResult explain(ServedModel model, float[] chw, Targets targets) {
        return model.explain(chw, targets, ScoreKind.LOGIT, 16, Progress.NONE, ForwardPassListener.NONE);
    }

    static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
