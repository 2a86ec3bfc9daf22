package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.djl.Device;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.scorecam.cam.CamMethod;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Network;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;

/**
 * Models whose target layer is not (N,K,h,w), packaged by tools/export_model.py as TorchScript and
 * with {@code --format onnx} (tools/make_onnx_test_models.py writes both): a Swin-style model
 * (channels-last) and a ViT (tokens). The ONNX package declares the same layout, gives the
 * activations on the same grid, keeps its head, and every method that needs no gradients gives
 * the TorchScript twin's map.
 */
class LayoutTwinTest {

    static final Path TWINS = Path.of("src/test/resources/models/layout-twins");
    static final List<String> NAMES = List.of("swin", "vit");

    /** Each twin's two packages, loaded once: TorchScript first, then ONNX. */
    static Map<String, List<ServedModel>> twins;

    @BeforeAll
    static void load() {
        twins = NAMES.stream().collect(Collectors.toMap(name -> name,
                name -> List.of(load(name, "torchscript"), load(name, "onnxruntime"))));
    }

    @AfterAll
    static void close() {
        twins.values().forEach(pair -> pair.forEach(ServedModel::close));
    }

    static Stream<Arguments> twinsAndMethods() {
        return NAMES.stream().flatMap(twin -> MethodCatalogue.runnableOn(Set.of(Network.Capability.HEAD)).stream()
                .map(method -> Arguments.of(twin, method.name())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("twinsAndMethods")
    void theOnnxPackageGivesTheTorchScriptTwinsMap(String twin, String name) {
        ServedModel torchScript = twins.get(twin).get(0);
        ServedModel onnx = twins.get(twin).get(1);
        assertThat(onnx.modelPackage().engine()).isEqualTo(ModelEngine.ONNXRUNTIME);
        assertThat(onnx.modelPackage().layout()).isEqualTo(torchScript.modelPackage().layout())
                .isNotEqualTo(ActivationLayout.CHANNELS_FIRST);
        assertThat(List.of(onnx.channels(), onnx.activationWidth(), onnx.activationHeight()))
                .isEqualTo(List.of(torchScript.channels(), torchScript.activationWidth(),
                        torchScript.activationHeight()));
        assertThat(onnx.network().capabilities()).containsExactly(Network.Capability.HEAD);

        CamMethod method = MethodCatalogue.choose(MethodCatalogue.find(name).orElseThrow(), Map.of()).cam();
        float[] image = OnnxNetworkTest.image(11, torchScript.modelPackage().input().width());
        OnnxNetworkTest.assertSameMaps(name + " on " + twin,
                onnx.explain(method, image, Targets.topK(2), ScoreKind.LOGIT, 16, Progress.NONE,
                        ForwardPassListener.NONE),
                torchScript.explain(method, image, Targets.topK(2), ScoreKind.LOGIT, 16, Progress.NONE,
                        ForwardPassListener.NONE));
    }

    private static ServedModel load(String twin, String form) {
        return ServedModel.load(ModelPackageReader.read(TWINS.resolve(twin).resolve(form)), Device.cpu(), 16, 0);
    }
}
