package dev.scorecam.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import dev.scorecam.config.TestProperties;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;
import dev.scorecam.model.TorchEngine;

/**
 * Would a Score-CAM run faster with several batches in flight, each engine call on fewer
 * intra-op threads, than with one batch at a time on all of them? Times the forwards of a fixed
 * number of images (one Score-CAM's worth) in each layout, alternated round by round in one JVM
 * (this machine's speed drifts), and reports the median ms per image. Not a test: a bounded
 * command.
 *
 * <p>Arguments: {@code <package-dir> <rounds> <images> <layout>...}, a layout
 * {@code P:T:B}: P threads side by side, each setting libtorch's intra-op threads to T for
 * itself and forwarding batches of B, images / P each. E.g. {@code 1:2:32 2:1:32}.
 */
public final class ConcurrentBatchesBenchmark {

    record Layout(String text, int parallel, int threads, int batch) {
        static Layout parse(String text) {
            String[] p = text.split(":");
            return new Layout(text, Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        new TorchEngine(TestProperties.cpu());
        int rounds = Integer.parseInt(args[1]);
        int images = Integer.parseInt(args[2]);
        List<Layout> layouts = Arrays.stream(args).skip(3).map(Layout::parse).toList();
        ExecutorService pool = Executors.newFixedThreadPool(layouts.stream().mapToInt(Layout::parallel).max().orElse(1));
        try (ServedModel model = ServedModel.load(ModelPackageReader.read(Path.of(args[0])), Device.cpu(), 16, 3)) {
            double[][] msPerImage = new double[layouts.size()][rounds];
            for (int round = -1; round < rounds; round++) {          // round -1 warms every shape up
                for (int k = 0; k < layouts.size(); k++) {
                    int v = Math.floorMod(k + round, layouts.size());   // a different one first each round
                    double ms = time(model, layouts.get(v), images, pool);
                    if (round >= 0) {
                        msPerImage[v][round] = ms;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s, %d images a layout, %d rounds%n| layout (parallel:threads:batch) "
                    + "| ms/img median | rounds |%n|---|---:|---|%n", args[0], images, rounds);
            for (int v = 0; v < layouts.size(); v++) {
                double[] sorted = msPerImage[v].clone();
                Arrays.sort(sorted);
                List<String> each = new ArrayList<>();
                for (double ms : msPerImage[v]) {
                    each.add(String.format(Locale.ROOT, "%.2f", ms));
                }
                System.out.printf(Locale.ROOT, "| %s | %.2f | %s |%n", layouts.get(v).text(), sorted[rounds / 2],
                        String.join(" ", each));
            }
        } finally {
            pool.shutdown();
        }
    }

    private static double time(ServedModel model, Layout layout, int images, ExecutorService pool) throws Exception {
        InputFormat in = model.modelPackage().input();
        int batches = Math.max(1, images / layout.parallel() / layout.batch());
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < layout.parallel(); w++) {
            running.add(pool.submit(() -> {
                JniUtils.setNumThreads(layout.threads());     // for this thread's engine calls
                try (NDManager manager = model.newRequestManager()) {
                    NDArray x = manager.randomNormal(new Shape(layout.batch(), 3, in.height(), in.width()));
                    for (int i = 0; i < batches; i++) {
                        try (NDArray logits = model.network().forward(x)) {
                            logits.toFloatArray();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        return (System.nanoTime() - start) / 1e6 / ((double) batches * layout.parallel() * layout.batch());
    }
}
