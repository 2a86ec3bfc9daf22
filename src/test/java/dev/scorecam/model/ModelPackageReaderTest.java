package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scorecam.imaging.ResizeMode;

class ModelPackageReaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Files.writeString(dir.resolve("model.yaml"), yaml);
        Files.write(dir.resolve("model.pt"), new byte[] {1});
        return dir;
    }

    @Test
    void readsEveryField() throws IOException {
        ModelPackage p = ModelPackageReader.read(write("""
                name: cats
                input: {width: 224, height: 200, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: letterbox}
                labels: [cat, dog]
                target-layer: layer4
                batch-size: 16
                precision: bf16
                """));
        assertThat(p.name()).isEqualTo("cats");
        assertThat(p.input().width()).isEqualTo(224);
        assertThat(p.input().height()).isEqualTo(200);
        assertThat(p.input().mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(p.input().resize()).isEqualTo(ResizeMode.LETTERBOX);
        assertThat(p.labels()).containsExactly("cat", "dog");
        assertThat(p.targetLayer()).isEqualTo("layer4");
        assertThat(p.batchSize()).isEqualTo(BatchSize.of(16));
        assertThat(p.precision()).isEqualTo(Precision.BF16);
        assertThat(p.weights()).isEqualTo(dir.resolve("model.pt"));
        assertThat(p.weights(Precision.BF16)).isEqualTo(dir.resolve("model-bf16.pt"));
    }

    @Test
    void defaultsResizeNormalisationBatchAndPrecision() throws IOException {
        ModelPackage p = ModelPackageReader.read(write("""
                name: m
                input: {width: 32, height: 32}
                labels: [a]
                """));
        assertThat(p.input().resize()).isEqualTo(ResizeMode.STRETCH);
        assertThat(p.input().mean()).containsExactly(0f, 0f, 0f);
        assertThat(p.input().std()).containsExactly(1f, 1f, 1f);
        assertThat(p.batchSize()).isEqualTo(BatchSize.AUTO);
        assertThat(p.precision()).isEqualTo(Precision.FP32);
        assertThat(p.engine()).isEqualTo(ModelEngine.TORCHSCRIPT);
    }

    @Test
    void readsAutoBatchAndRefusesAnUnknownPrecision() throws IOException {
        assertThat(ModelPackageReader.read(write("name: m\ninput: {width: 8, height: 8}\nlabels: [a]\nbatch-size: auto\n"))
                .batchSize().isAuto()).isTrue();
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ninput: {width: 8, height: 8}\nlabels: [a]\nprecision: int8\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("'precision' must be fp32, bf16 or fp16");
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ninput: {width: 8, height: 8}\nlabels: [a]\nbatch-size: 0\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("'batch-size' must be 'auto' or at least 1");
    }

    @Test
    void readsLabelsFromAFile() throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "tench\ngoldfish\n\n");
        ModelPackage p = ModelPackageReader.read(write("""
                name: m
                input: {width: 32, height: 32}
                labels-file: labels.txt
                """));
        assertThat(p.labels()).containsExactly("tench", "goldfish");
    }

    @Test
    void namesTheFileAndTheProblem() throws IOException {
        Path yaml = dir.resolve("model.yaml");
        assertThatThrownBy(() -> ModelPackageReader.read(write("name: m\nlabels: [a]\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(yaml.toString())
                .hasMessageContaining("'input' needs 'width' and 'height'");
        assertThatThrownBy(() -> ModelPackageReader.read(write("name: m\ninput: {width: 3, height: 3, resize: squash}\nlabels: [a]\n")))
                .hasMessageContaining(yaml.toString()).hasMessageContaining("squash");
        assertThatThrownBy(() -> ModelPackageReader.read(write("name: m\ninput: {width: 3, height: 3}\nlabels: [a]\nbatchsize: 3\n")))
                .hasMessageContaining(yaml.toString()).hasMessageContaining("batchsize");
        assertThatThrownBy(() -> ModelPackageReader.read(write("name: 'a b'\ninput: {width: 3, height: 3}\nlabels: [a]\n")))
                .hasMessageContaining("'name'");
        assertThatThrownBy(() -> ModelPackageReader.read(write("name: m\ninput: {width: 3, height: 3}\n")))
                .hasMessageContaining("exactly one of 'labels' and 'labels-file'");
        assertThatThrownBy(() -> ModelPackageReader.read(write(": : :")))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining(yaml.toString());
    }

    @Test
    void aPackageNeedsItsWeights() throws IOException {
        write("name: m\ninput: {width: 3, height: 3}\nlabels: [a]\n");
        Files.delete(dir.resolve("model.pt"));
        assertThatThrownBy(() -> ModelPackageReader.read(dir))
                .hasMessageContaining(dir.resolve("model.pt").toString()).hasMessageContaining("missing");
    }

    @Test
    void anOnnxRuntimePackageNeedsModelOnnx() throws IOException {
        write("name: m\nengine: onnxruntime\ninput: {width: 3, height: 3}\nlabels: [a]\n");
        assertThatThrownBy(() -> ModelPackageReader.read(dir))
                .hasMessage(dir.resolve("model.onnx") + ": missing (a model package needs model.yaml and model.onnx "
                        + "for engine onnxruntime)");
        Files.writeString(dir.resolve("model.onnx"), "");
        assertThat(ModelPackageReader.read(dir).weights()).isEqualTo(dir.resolve("model.onnx"));
    }

    @Test
    void namesItsEngine() throws IOException {
        ModelPackage p = ModelPackageReader.read(write("""
                name: m
                engine: TorchScript
                input: {width: 32, height: 32}
                labels: [a]
                """));
        assertThat(p.engine()).isEqualTo(ModelEngine.TORCHSCRIPT);
    }

    @Test
    void anUnknownEngineIsRefusedNamingTheFileAndTheEnginesThereAre() throws IOException {
        Path packageDir = write("""
                name: m
                engine: tensorflow
                input: {width: 32, height: 32}
                labels: [a]
                """);
        assertThatThrownBy(() -> ModelPackageReader.read(packageDir))
                .isInstanceOf(ModelPackageException.class)
                .hasMessage(dir.resolve("model.yaml") + ": 'engine' must be one of torchscript, onnxruntime, not 'tensorflow'");
    }

    @Test
    void aTargetLayerIsChannelsFirstUnlessTheDescriptorSaysOtherwise() throws IOException {
        assertThat(ModelPackageReader.read(write("""
                name: m
                input: {width: 32, height: 32}
                labels: [a]
                """)).layout()).isEqualTo(ActivationLayout.CHANNELS_FIRST);
        ActivationLayout swin = ModelPackageReader.read(write("""
                name: m
                input: {width: 32, height: 32}
                labels: [a]
                layout: channels-last
                """)).layout();
        assertThat(swin.kind()).isEqualTo(ActivationLayout.Kind.CHANNELS_LAST);
        assertThat(swin.hasHead()).isTrue();
    }

    @Test
    void readsATokenLayoutWithItsGridAndPrefixTokens() throws IOException {
        ActivationLayout vit = ModelPackageReader.read(write("""
                name: vit
                input: {width: 224, height: 224}
                labels: [a]
                layout: tokens
                prefix-tokens: 1
                grid: {width: 14, height: 14}
                """)).layout();
        assertThat(vit).isEqualTo(new ActivationLayout(ActivationLayout.Kind.TOKENS, 1, 14, 14));
        assertThat(vit.hasHead()).as("a class token cannot be rebuilt from the grid").isFalse();
        assertThat(vit.fits(14, 14)).isTrue();
        assertThat(vit.fits(7, 7)).isFalse();
    }

    @Test
    void anUnknownOrIncompleteLayoutIsRefusedNamingTheFile() throws IOException {
        String base = """
                name: m
                input: {width: 32, height: 32}
                labels: [a]
                """;
        assertThatThrownBy(() -> ModelPackageReader.read(write(base + "layout: nhwc\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(dir.resolve("model.yaml").toString())
                .hasMessageContaining("'layout' must be one of channels-first, channels-last, tokens, not 'nhwc'");
        assertThatThrownBy(() -> ModelPackageReader.read(write(base + "layout: tokens\nprefix-tokens: 1\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("'layout: tokens' needs 'grid'");
        assertThatThrownBy(() -> ModelPackageReader.read(write(base + "grid: {width: 4, height: 4}\n")))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("belong to 'layout: tokens', not channels-first");
    }
}
