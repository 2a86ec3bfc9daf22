package dev.scorecam.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;


import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ServedModel;

/**
 * The same network on both engines (TorchScript packages and an onnxruntime one): seconds per
 * Score-CAM of one image, each package loaded as the service loads it and timed alternately
 * round by round (this machine's speed drifts within a run), medians reported, with each map's
 * largest difference from the first package's. Not a test: a bounded command
 * (tools/benchmark-engines.sh).
 *
 * <p>Arguments: {@code <batch> <rounds> <image> <package-dir>...}; the first package is the reference.
 */
public final class EngineBenchmark {

    public static void main(String[] args) throws Exception {
        PackageBenchmarkArguments arguments = PackageBenchmarkArguments.parse(args);
        int batch = arguments.batch();
        int rounds = arguments.rounds();
        byte[] image = arguments.image();
        List<ServedModel> models = new ArrayList<>();
        try {
            arguments.load(models);
            float[] chw = Preprocessor.prepare(new ImageDecoder(100_000_000).decode(image),
                    models.get(0).modelPackage().input()).chw();
            double[][] seconds = new double[models.size()][rounds];
            float[][] maps = new float[models.size()][];
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < models.size(); m++) {
                    long start = System.nanoTime();
                    CamResult result = models.get(m).explain(chw, Targets.topK(1), ScoreKind.LOGIT, batch,
                            Progress.NONE, ForwardPassListener.NONE);
                    seconds[m][round] = (System.nanoTime() - start) / 1e9;
                    maps[m] = result.maps().get(0).saliency().values();
                }
            }
            System.out.printf(Locale.ROOT, "| package | engine | s per Score-CAM (median of %d) | rounds | max |map - first's| |%n",
                    rounds);
            System.out.println("|---|---|---|---|---|");
            for (int m = 0; m < models.size(); m++) {
                double[] sorted = seconds[m].clone();
                Arrays.sort(sorted);
                double difference = 0;
                for (int i = 0; i < maps[m].length; i++) {
                    difference = Math.max(difference, Math.abs(maps[m][i] - maps[0][i]));
                }
                ServedModel model = models.get(m);
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.1e |%n",
                        Path.of(args[3 + m]).getFileName(), model.engine(), sorted[rounds / 2],
                        String.join(" ", Arrays.stream(seconds[m]).mapToObj(s -> String.format(Locale.ROOT, "%.2f", s))
                                .toList()), difference);
            }
        } finally {
            models.forEach(ServedModel::close);
        }
    }
}
