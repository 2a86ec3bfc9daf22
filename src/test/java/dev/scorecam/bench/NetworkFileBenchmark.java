package dev.scorecam.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.GradCam;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ServedModel;

/**
 * Which network file runs fastest in the service's engine: several packages holding the same
 * network written differently (as exported, frozen, frozen in channels_last; fp32 or bf16), each
 * loaded as the service loads it, timed alternately round by round on one random batch (this
 * machine's speed drifts within a run), medians reported; then one Score-CAM of the image with
 * each, its map compared with the first package's, and one Grad-CAM (a backward pass through the
 * head: a frozen file must still give gradients). Not a test: a bounded command.
 *
 * <p>Arguments: {@code <batch> <rounds> <image> <package-dir>...}; the first package is the reference.
 */
public final class NetworkFileBenchmark {

    public static void main(String[] args) throws Exception {
        PackageBenchmarkArguments arguments = PackageBenchmarkArguments.parse(args);
        int batch = arguments.batch();
        int rounds = arguments.rounds();
        byte[] image = arguments.image();
        List<ServedModel> models = new ArrayList<>();
        List<NDManager> managers = new ArrayList<>();
        try {
            arguments.load(models);
            InputFormat in = models.get(0).modelPackage().input();
            float[] random = new float[batch * 3 * in.height() * in.width()];
            java.util.Random generator = new java.util.Random(7);
            for (int i = 0; i < random.length; i++) {
                random[i] = (float) generator.nextGaussian();
            }
            List<NDArray> inputs = new ArrayList<>();
            for (ServedModel model : models) {
                NDManager manager = model.newRequestManager();
                managers.add(manager);
                inputs.add(manager.create(random, new Shape(batch, 3, in.height(), in.width())));
            }
            int passes = Math.max(2, 64 / batch);
            double[][] msPerImage = new double[models.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < models.size(); k++) {
                    int v = (k + r) % models.size();        // a different one first each round
                    long start = System.nanoTime();
                    for (int i = 0; i < passes; i++) {
                        models.get(v).network().forward(inputs.get(v)).close();
                    }
                    msPerImage[v][r] = (System.nanoTime() - start) / 1e6 / passes / batch;
                }
            }

            float[] chw = Preprocessor.prepare(new ImageDecoder(40_000_000L).decode(image), in).chw();
            float[] reference = null;
            float[] referenceLogits = null;
            float[] referenceGradCam = null;
            System.out.printf(Locale.ROOT, "batch %d, %d rounds of %d forwards each%n"
                    + "| package | ms/img median | range | vs first | map corr. with first | max map diff | max logit diff "
                    + "| Grad-CAM corr. |%n|---|---:|---:|---:|---:|---:|---:|---:|%n", batch, rounds, passes);
            double first = median(msPerImage[0]);
            for (int v = 0; v < models.size(); v++) {
                var result = models.get(v).explain(chw, Targets.topK(1), ScoreKind.LOGIT, batch, Progress.NONE,
                        ForwardPassListener.NONE);
                float[] map = result.maps().get(0).saliency().values();
                float[] gradCam = models.get(v).explain(new GradCam(), chw, Targets.topK(1), ScoreKind.LOGIT, batch,
                        Progress.NONE, ForwardPassListener.NONE).maps().get(0).saliency().values();
                if (reference == null) {
                    reference = map;
                    referenceLogits = result.logits();
                    referenceGradCam = gradCam;
                }
                double m = median(msPerImage[v]);
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f-%.2f | %.2fx | %.6f | %.2e | %.2e | %.6f |%n",
                        Path.of(args[v + 3]).getFileName(), m, Arrays.stream(msPerImage[v]).min().orElseThrow(),
                        Arrays.stream(msPerImage[v]).max().orElseThrow(), first / m,
                        ProgressiveRefinementBenchmark.correlation(reference, map), maxDiff(reference, map),
                        maxDiff(referenceLogits, result.logits()),
                        ProgressiveRefinementBenchmark.correlation(referenceGradCam, gradCam));
            }
        } finally {
            managers.forEach(NDManager::close);
            models.forEach(ServedModel::close);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private NetworkFileBenchmark() {}
}
