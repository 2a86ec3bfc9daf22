package dev.scorecam.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.config.TestProperties;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.BatchSize;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.Precision;
import dev.scorecam.model.ServedModel;
import dev.scorecam.model.ServingOptions;
import dev.scorecam.model.TorchEngine;

/**
 * Would batching masked inputs across requests (several jobs' inputs in one forward) raise
 * throughput? Only where their forwards cost less than each job's own: bigger batches than one
 * job fills cheaper per image than the batch the service picks, or one job's partial tail batch
 * dearer per image than a shared one. Not a test: a bounded command.
 *
 * <p>Loads a package as the service does (2 warm-up passes), takes the batch b it serves with
 * ({@code auto}: the one warm-up picks; or a number, as a package may pin) and N = K+1 masked inputs of one Score-CAM (every channel live: the most a job
 * runs), then times forwards of every batch size the comparison needs, alternated round by round
 * (this machine's speed drifts within a run), and reports medians. A job alone runs N/b full
 * batches and a tail; m jobs merged run mN inputs in batches of B. The upper bound on the gain is
 * (m x one job's forward time) / (the best merged forward time) - 1: merging is assumed free and
 * everything outside the forwards (which merging does not shrink) is left out. Part of that bound
 * is only a better batch for one job alone (which needs no merging): it is split off by timing one
 * job at every B as well.
 *
 * <p>Arguments: {@code <package-dir> <fp32|bf16> [rounds=7] [jobs=2,4] [batch=auto]}.
 */
public final class BatchingBenchmark {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Path dir = Path.of(args[0]);
        Precision precision = Precision.parse(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        int[] jobCounts = Arrays.stream((args.length > 3 ? args[3] : "2,4").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        BatchSize batch = BatchSize.parse(args.length > 4 ? args[4] : "auto");
        new TorchEngine(TestProperties.cpu());
        try (ServedModel model = ServedModel.load(ModelPackageReader.read(dir), Device.cpu(),
                new ServingOptions(precision, batch, 2, 256, Duration.ofSeconds(30), true))) {
            int b = model.batchSize();
            int n = model.channels() + 1;
            System.out.printf(Locale.ROOT, "%s %s: K+1 = %d masked inputs, batch %d (%s)%n",
                    model.name(), precision.id(), n, b,
                    batch.isAuto() ? "auto; warm-up: " + model.batchMeasurements() : "fixed");

            // Every batch size a plan below runs: b, the tuner's candidates (8..256), and the tails.
            TreeSet<Integer> sizes = new TreeSet<>();
            TreeSet<Integer> batches = new TreeSet<>(List.of(8, 16, 32, 64, 128, 256));
            batches.add(b);
            List<Integer> merged = List.copyOf(batches);
            addPlan(sizes, n, b);
            merged.forEach(size -> addPlan(sizes, n, size));
            for (int m : jobCounts) {
                for (int size : merged) {
                    addPlan(sizes, m * n, size);
                }
            }
            Map<Integer, double[]> millis = time(model, List.copyOf(sizes), rounds);
            Map<Integer, Double> median = new TreeMap<>();
            millis.forEach((size, runs) -> median.put(size, median(runs)));

            System.out.printf(Locale.ROOT, "%n| batch | ms per forward (median of %d) | ms per image | range ms/img |%n"
                    + "|---:|---:|---:|---:|%n", rounds);
            median.forEach((size, ms) -> {
                double[] runs = millis.get(size);
                System.out.printf(Locale.ROOT, "| %d | %.2f | %.3f | %.3f-%.3f |%n", size, ms, ms / size,
                        Arrays.stream(runs).min().orElseThrow() / size, Arrays.stream(runs).max().orElseThrow() / size);
            });

            double alone = planMillis(median, n, b);
            System.out.printf(Locale.ROOT, "%none job alone: %d x %d + tail %d = %.1f ms of forwards (%.3f ms/img)%n",
                    n / b, b, n % b, alone, alone / n);
            double aloneBest = alone;
            int aloneBestSize = b;
            for (int size : merged) {
                double cost = planMillis(median, n, size);
                if (cost < aloneBest) {
                    aloneBest = cost;
                    aloneBestSize = size;
                }
            }
            System.out.printf(Locale.ROOT, "one job alone at its best batch %d: %.1f ms (%+.1f%% throughput against batch %d "
                    + "without merging)%n", aloneBestSize, aloneBest, 100 * (alone / aloneBest - 1), b);
            for (int m : jobCounts) {
                double best = Double.MAX_VALUE;
                int bestSize = b;
                for (int size : merged) {
                    double cost = planMillis(median, m * n, size);
                    System.out.printf(Locale.ROOT, "%d jobs merged, batch %d: %d x %d + tail %d = %.1f ms (%.1f ms a job)%n",
                            m, size, m * n / size, size, m * n % size, cost, cost / m);
                    if (cost < best) {
                        best = cost;
                        bestSize = size;
                    }
                }
                System.out.printf(Locale.ROOT, "%d jobs: alone %.1f ms, best merged %.1f ms (batch %d): upper bound on the "
                        + "throughput gain %+.1f%%, of which merging itself (against one job at its best batch) %+.1f%%%n",
                        m, m * alone, best, bestSize, 100 * (m * alone / best - 1), 100 * (m * aloneBest / best - 1));
            }
        }
    }

    /** The batch sizes that running {@code inputs} masked inputs in batches of {@code size} uses. */
    private static void addPlan(TreeSet<Integer> sizes, int inputs, int size) {
        sizes.add(Math.min(size, inputs));
        if (inputs > size && inputs % size != 0) {
            sizes.add(inputs % size);
        }
    }

    /** Forward time of {@code inputs} masked inputs in batches of {@code size}: the full batches and the tail. */
    private static double planMillis(Map<Integer, Double> median, int inputs, int size) {
        if (inputs <= size) {
            return median.get(inputs);
        }
        double full = (inputs / size) * median.get(size);
        return inputs % size == 0 ? full : full + median.get(inputs % size);
    }

    /**
     * Milliseconds per forward for each size, one figure per round: each round visits every size
     * (in a shuffled order) and times enough forwards to cover at least 256 images, after two
     * unmeasured ones (libtorch profiles a new shape's first runs).
     */
    private static Map<Integer, double[]> time(ServedModel model, List<Integer> sizes, int rounds) {
        InputFormat in = model.modelPackage().input();
        Map<Integer, double[]> millis = new TreeMap<>();
        try (NDManager manager = model.newRequestManager()) {
            Map<Integer, NDArray> inputs = new TreeMap<>();
            for (int size : sizes) {
                NDArray x = manager.randomUniform(0, 1, new Shape(size, 3, in.height(), in.width()));
                inputs.put(size, x);
                millis.put(size, new double[rounds]);
                for (int i = 0; i < 2; i++) {
                    model.network().forward(x).close();
                }
            }
            List<Integer> order = new ArrayList<>(sizes);
            java.util.Random random = new java.util.Random(42);
            for (int r = 0; r < rounds; r++) {
                Collections.shuffle(order, random);
                for (int size : order) {
                    int passes = Math.max(2, (256 + size - 1) / size);
                    long start = System.nanoTime();
                    for (int i = 0; i < passes; i++) {
                        model.network().forward(inputs.get(size)).close();
                    }
                    millis.get(size)[r] = (System.nanoTime() - start) / 1e6 / passes;
                }
            }
        }
        return millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private BatchingBenchmark() {}
}
