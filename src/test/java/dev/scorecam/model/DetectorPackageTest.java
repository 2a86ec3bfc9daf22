package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.Device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detector's package: its two keys read and checked, and its network checked against D at load. */
class DetectorPackageTest {

    static final Path CLASSIFIER = Path.of("src/main/resources/demo-model/fashion-cnn/model.pt");
    static final Path DETECTOR = Path.of("src/main/resources/demo-model/fashion-detector");

    @TempDir
    Path dir;

    private Path write(String yaml, Path network) throws IOException {
        Files.writeString(dir.resolve("model.yaml"), yaml);
        Files.copy(network, dir.resolve("model.pt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void theDemoDetectorIsADetectorOfSixteenDetectionsAndClassifiersStayClassifiers() throws IOException {
        ModelPackage detector = ModelPackageReader.read(DETECTOR);
        assertThat(detector.task()).isEqualTo(Task.DETECTION);
        assertThat(detector.maxDetections()).isEqualTo(16);
        assertThat(detector.outputWidth()).isEqualTo(16 * 6);
        ModelPackage classifier = ModelPackageReader.read(write("name: m\ninput: {width: 96, height: 96}\nlabels: [a]\n",
                CLASSIFIER));
        assertThat(classifier.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(classifier.maxDetections()).isZero();
    }

    @Test
    void aDetectorNeedsItsMaxDetectionsAndAClassifierHasNone() {
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ntask: detection\ninput: {width: 8, height: 8}\nlabels: [a]\n", CLASSIFIER)))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining("model.yaml")
                .hasMessageContaining("'task: detection' needs 'max-detections'");
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ninput: {width: 8, height: 8}\nlabels: [a]\nmax-detections: 4\n", CLASSIFIER)))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining("for 'task: detection' only");
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ntask: segmentation\ninput: {width: 8, height: 8}\nlabels: [a]\n", CLASSIFIER)))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("'task' must be one of classification, detection, not 'segmentation'");
        assertThatThrownBy(() -> ModelPackageReader.read(write(
                "name: m\ntask: detection\nmax-detections: 0\ninput: {width: 8, height: 8}\nlabels: [a]\n", CLASSIFIER)))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining("between 1 and 1000");
    }

    @Test
    void aClassifierNetworkDeclaredADetectorStopsStartUpNamingTheFileAndTheShape() throws IOException {
        ModelPackage wrong = ModelPackageReader.read(write("""
                name: m
                task: detection
                max-detections: 16
                input: {width: 96, height: 96}
                labels: [a, b, c, d, e, f, g, h, i, j]
                """, CLASSIFIER));
        assertThatThrownBy(() -> ServedModel.load(wrong, Device.cpu(), 4, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(dir.resolve("model.pt").toString())
                .hasMessageContaining("forward(x) gave float32 (1, 10)")
                .hasMessageContaining("must give float32 (N,16,6)");
    }

    @Test
    void aDetectorWithAnotherCountOfDetectionsIsRefusedToo() throws IOException {
        ModelPackage wrong = ModelPackageReader.read(write("""
                name: m
                task: detection
                max-detections: 10
                input: {width: 128, height: 128}
                labels: [a, b, c, d, e, f, g, h, i, j]
                """, DETECTOR.resolve("model.pt")));
        assertThatThrownBy(() -> ServedModel.load(wrong, Device.cpu(), 4, 0))
                .isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("forward(x) gave float32 (1, 16, 6); a detector with max-detections: 10");
    }
}
