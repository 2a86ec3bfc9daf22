package dev.scorecam.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;


import dev.scorecam.cam.Progress;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;
import dev.scorecam.model.TorchEngine;

/**
 * Side by side, in one run, for each model: (a) the engine's raw forward throughput at the
 * model's batch size, (b) Score-CAM latency per image through the service code (decode,
 * preprocess, Score-CAM), (c) the overhead ratio b / (live channels / a): how far the service
 * is from the cost of its forward passes alone.
 *
 * <p>Run with tools/benchmark.sh (it exports the resnet18 package first). Not a test: timings
 * depend on the machine and belong in the README, not in assertions.
 *
 * <p>Arguments: {@code <image> <demo-runs> [<model-dir> <runs>]...}; a package's directory is named
 * after its model.
 */
public final class ScoreCamBenchmark {

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int demoRuns = Integer.parseInt(args[1]);
        List<Path> dirs = new ArrayList<>();
        Map<String, Integer> runs = new HashMap<>();
        runs.put("fashion-cnn", demoRuns);
        for (int i = 2; i + 1 < args.length; i += 2) {
            dirs.add(Path.of(args[i]));
            runs.put(Path.of(args[i]).getFileName().toString(), Integer.parseInt(args[i + 1]));
        }
        ScoreCamProperties properties = TestProperties.with(dirs, List.of("cpu"), 1, Map.of());
        ModelRegistry registry = new ModelRegistry(properties, new TorchEngine(properties));
        Explainer explainer = new Explainer(registry, properties);
        byte[] upload = Files.readAllBytes(image);

        System.out.printf("%-14s %6s %5s %5s %14s %12s %12s %14s %9s%n", "model", "input", "K", "live",
                "forward img/s", "p50 ms", "p95 ms", "forwards-only", "overhead");
        for (ServedModel model : registry.all()) {
            int n = runs.getOrDefault(model.name(), 3);
            double throughput = forwardThroughput(model, Math.max(3, 256 / model.batchSize()));
            ExplanationRequest request = new ExplanationRequest(model.name(), upload, List.of(), null, null, null, null, Map.of(), false, 20, false);
            explainer.explain(request, Progress.NONE); // warm
            double[] millis = new double[n];
            int live = 0;
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                Explanation e = explainer.explain(request, Progress.NONE);
                millis[i] = (System.nanoTime() - start) / 1e6;
                live = e.result().liveChannels();
            }
            Arrays.sort(millis);
            double p50 = percentile(millis, 0.50);
            double forwardsOnly = 1000.0 * live / throughput;
            InputFormat in = model.modelPackage().input();
            System.out.printf(Locale.ROOT, "%-14s %6s %5d %5d %14.1f %12.1f %12.1f %14.1f %9.3f%n", model.name(),
                    in.width() + "x" + in.height(), model.channels(), live, throughput, p50,
                    percentile(millis, 0.95), forwardsOnly, p50 / forwardsOnly);
        }
        registry.close();
    }

    /** Images per second through forward() at the model's batch size, random inputs. */
    static double forwardThroughput(ServedModel model, int batches) {
        InputFormat in = model.modelPackage().input();
        try (NDManager manager = model.newRequestManager()) {
            NDArray batch = manager.randomUniform(0, 1, new Shape(model.batchSize(), 3, in.height(), in.width()));
            model.network().forward(batch).toFloatArray(); // warm
            long start = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray logits = model.network().forward(batch);
                    logits.attach(scope);
                    logits.toFloatArray();
                }
            }
            return (double) batches * model.batchSize() / ((System.nanoTime() - start) / 1e9);
        }
    }

    static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private ScoreCamBenchmark() {}
}
