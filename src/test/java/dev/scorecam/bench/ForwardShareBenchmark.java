package dev.scorecam.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.CamMethod;
import dev.scorecam.cam.ForwardLanes;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Network;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.BatchSize;
import dev.scorecam.model.EngineThreads;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.Precision;
import dev.scorecam.model.ServedModel;
import dev.scorecam.model.ServingOptions;
import dev.scorecam.model.TorchEngine;
import dev.scorecam.config.TestProperties;

/**
 * Where one explanation's time goes: the network's passes (forward, features, head alone and
 * backward: the wall time while at least one engine call runs; libtorch on the CPU returns when the work is done)
 * against everything else (masks, masked inputs, copies, weights, the map). Not a test: a command.
 *
 * <p>Arguments: {@code <package-dir> <fp32|bf16> <batch|auto> <image> <runs> [<method>...]} (methods
 * by their API names, default scorecam, with their default parameters, alternating run by run); {@code -Dno-graph-optimizer=true}
 * turns libtorch's graph executor optimisation off; {@code -Dlanes=1} computes one batch at a time (by
 * default two lanes, as the service on two cores or more); {@code -Dwarmup=N} runs of each method before the
 * timed ones (default 1: the JIT has compiled little of the Java code by then).
 */
public final class ForwardShareBenchmark {

    /**
     * Adds up the wall time during which at least one of the wrapped network's calls runs: with
     * lanes two calls overlap, and the time outside the network is the time when none runs.
     */
    static final class TimedNetwork implements Network {
        private final Network network;
        private int running;
        private long since;
        long insideNanos;

        TimedNetwork(Network network) {
            this.network = network;
        }

        private synchronized void enter() {
            if (running++ == 0) {
                since = System.nanoTime();
            }
        }

        private synchronized void leave() {
            if (--running == 0) {
                insideNanos += System.nanoTime() - since;
            }
        }

        private <T> T timed(java.util.function.Supplier<T> call) {
            enter();
            try {
                return call.get();
            } finally {
                leave();
            }
        }

        @Override
        public NDArray features(NDArray input) {
            return timed(() -> network.features(input));
        }

        @Override
        public NDArray head(NDArray activations) {
            return timed(() -> network.head(activations));
        }

        @Override
        public NDArray forward(NDArray input) {
            return timed(() -> network.forward(input));
        }

        @Override
        public NDArray headGradient(NDArray activations, NDArray outputGradient) {
            return timed(() -> network.headGradient(activations, outputGradient));
        }

        @Override
        public ForwardLanes lanes() {
            return network.lanes();
        }

        @Override
        public java.util.Set<Capability> capabilities() {
            return network.capabilities();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Precision precision = Precision.parse(args[1]);
        BatchSize batch = BatchSize.parse(args[2]);
        int runs = Integer.parseInt(args[4]);
        new TorchEngine(TestProperties.cpu());
        try (ServedModel model = ServedModel.load(ModelPackageReader.read(dir), Device.cpu(),
                new ServingOptions(precision, batch, 2, 256, Duration.ofSeconds(30),
                        !Boolean.getBoolean("no-graph-optimizer"), lanes(), 1))) {
            float[] chw = Preprocessor.prepare(new ImageDecoder(40_000_000L).decode(Files.readAllBytes(Path.of(args[3]))),
                    model.modelPackage().input()).chw();
            var in = model.modelPackage().input();
            List<String> names = args.length > 5 ? List.of(args).subList(5, args.length) : List.of(MethodCatalogue.DEFAULT);
            Map<String, CamMethod> methods = new LinkedHashMap<>();
            for (String name : names) {
                methods.put(name, MethodCatalogue.choose(MethodCatalogue.find(name).orElseThrow(
                        () -> new IllegalArgumentException("no method " + name + "; " + MethodCatalogue.names())),
                        Map.of()).cam());
            }
            // -Don-worker=true: on another thread than the one that loaded the model, as the service's workers run.
            var worker = Boolean.getBoolean("on-worker") ? java.util.concurrent.Executors.newSingleThreadExecutor() : null;
            Map<String, double[]> total = new LinkedHashMap<>();
            Map<String, double[]> outside = new LinkedHashMap<>();
            names.forEach(name -> {
                total.put(name, new double[runs]);
                outside.put(name, new double[runs]);
            });
            int warmup = Integer.getInteger("warmup", 1);
            for (int r = -warmup; r < runs; r++) {     // the negative runs warm each method up; the methods alternate
                for (String name : names) {
                    CamMethod method = methods.get(name);
                    TimedNetwork timed = new TimedNetwork(model.network());
                    long start = System.nanoTime();
                    Runnable run = () -> {
                        try (NDManager manager = model.newRequestManager()) {
                            NDArray x = manager.create(chw, new Shape(1, 3, in.height(), in.width()));
                            method.explain(timed, x, Targets.topK(1), ScoreKind.LOGIT, model.batchSize(), Progress.NONE);
                        }
                    };
                    if (worker != null) {
                        worker.submit(run).get();
                    } else {
                        run.run();
                    }
                    long elapsed = System.nanoTime() - start;
                    if (r >= 0) {
                        total.get(name)[r] = elapsed / 1e6;
                        outside.get(name)[r] = (elapsed - timed.insideNanos) / 1e6;
                    }
                }
            }
            if (worker != null) {
                worker.shutdown();
            }
            for (String name : names) {
                double[] t = total.get(name);
                double[] o = outside.get(name);
                Arrays.sort(t);
                Arrays.sort(o);
                System.out.printf(Locale.ROOT, "%s %s batch %d, %d lane(s): median %.0f ms per %s, %.0f ms outside the "
                        + "network (%.1f%%), %d runs%n", model.name(), precision.id(), model.batchSize(),
                        model.network().lanes().count(), t[runs / 2], name, o[runs / 2], 100 * o[runs / 2] / t[runs / 2], runs);
            }
        }
    }

    /** -Dlanes=N (1: none); by default the service's choice, two lanes of half the threads where there are two or more. */
    private static EngineThreads lanes() {
        return EngineThreads.choose(0, 1, Integer.getInteger("lanes", 0), Runtime.getRuntime().availableProcessors(), 1);
    }

    private ForwardShareBenchmark() {}
}
