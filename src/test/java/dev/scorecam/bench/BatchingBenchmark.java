package dev.scorecam.bench;

import java.nio.file.Path;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * Would a batch filled with masked inputs from several jobs be faster? Measures the forward cost
 * per image at growing batch sizes: cross-job batching only pays where a bigger batch than one
 * job fills is cheaper per image. Arguments: {@code <model-package-dir> [repeats]}.
 */
public final class BatchingBenchmark {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (ServedModel model = ServedModel.load(ModelPackageReader.read(Path.of(args[0])), Device.cpu(), 64, 2)) {
            InputFormat in = model.modelPackage().input();
            System.out.printf("model %s, %d channels%n| batch | ms per batch | ms per image |%n|---:|---:|---:|%n",
                    model.name(), model.channels());
            for (int batch : new int[] {8, 16, 32, 64, 128, 256}) {
                try (NDManager manager = model.newRequestManager()) {
                    NDArray x = manager.randomUniform(0, 1, new Shape(batch, 3, in.height(), in.width()));
                    for (int i = 0; i < 3; i++) {
                        model.network().forward(x).toFloatArray();
                    }
                    long start = System.nanoTime();
                    for (int i = 0; i < repeats; i++) {
                        try (NDManager step = manager.newSubManager()) {
                            NDArray y = model.network().forward(x);
                            y.attach(step);
                            y.toFloatArray();
                        }
                    }
                    double ms = (System.nanoTime() - start) / 1e6 / repeats;
                    System.out.printf(Locale.ROOT, "| %d | %.2f | %.3f |%n", batch, ms, ms / batch);
                }
            }
        }
    }
}
