package dev.scorecam.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.Device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.cam.Progress;
import dev.scorecam.cam.Saliency;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ModelPackageReader;
import dev.scorecam.model.ServedModel;

/**
 * How good is a progressive job's partial map before all channels are scored? On the demo model
 * and the evaluation set (datasets/fashion-canvas-eval, true class as target), a progressive run
 * at batch size 1 yields the partial map after every channel; this prints, for 10%, 25% and 50%
 * of the live channels scored, the mean and worst Pearson correlation of the partial map with
 * the exact one, and how often the partial map's peak lies in the garment's box (the pointing
 * game of DemoModelLocalizationTest), exact map for comparison.
 *
 * <p>Not a test: a measurement for docs/web.md. Run from the project directory with the test
 * classpath, e.g. {@code ./mvnw -q -o dependency:build-classpath -Dmdep.outputFile=cp.txt} then
 * {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp
 * target/test-classes:target/classes:$(cat cp.txt) dev.scorecam.bench.ProgressiveRefinementBenchmark}.
 */
public final class ProgressiveRefinementBenchmark {

    static final Path EVAL = Path.of("datasets/fashion-canvas-eval");
    /** 0: the map before any channel is scored (all weights 1/K), the reference a partial map must beat. */
    static final double[] FRACTIONS = {0.0, 0.10, 0.25, 0.50, 1.00};

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Item(String file, int label, int[] box) {
        boolean contains(int x, int y) {
            return x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Annotations(List<Item> images) {}

    /** Every partial map of a progressive run at batch size 1: index k has k channels scored. */
    static final class Partials implements Progress {

        final List<Saliency> maps = new ArrayList<>();

        @Override
        public void maskedInputsScored(int done, int total) {}

        @Override
        public boolean progressive() {
            return true;
        }

        @Override
        public void partial(CamResult soFar) {
            maps.add(soFar.maps().get(0).saliency());
        }
    }

    public static void main(String[] args) throws Exception {
        Annotations annotations = JsonMapper.builder().build()
                .readValue(EVAL.resolve("annotations.json").toFile(), Annotations.class);
        ImageDecoder decoder = new ImageDecoder(1_000_000);
        int n = annotations.images().size();
        double[] sum = new double[FRACTIONS.length];
        double[] worst = new double[FRACTIONS.length];
        int[] hits = new int[FRACTIONS.length];
        java.util.Arrays.fill(worst, 1);
        int liveTotal = 0;
        int done = 0;
        try (ServedModel model = ServedModel.load(
                ModelPackageReader.read(Path.of("src/main/resources/demo-model/fashion-cnn")), Device.cpu(), 1, 1)) {
            for (Item item : annotations.images()) {
                ModelInput input = Preprocessor.prepare(
                        decoder.decode(Files.readAllBytes(EVAL.resolve(item.file()))), model.modelPackage().input());
                Partials partials = new Partials();
                CamResult result = model.explain(input.chw(), Targets.of(item.label()), ScoreKind.LOGIT, 1,
                        partials, ForwardPassListener.NONE);
                Saliency exact = result.maps().get(0).saliency();
                int live = result.liveChannels();
                liveTotal += live;
                for (int f = 0; f < FRACTIONS.length; f++) {
                    int scored = (int) Math.ceil(FRACTIONS[f] * live);
                    Saliency partial = partials.maps.get(scored);
                    double r = correlation(partial.values(), exact.values());
                    sum[f] += r;
                    worst[f] = Math.min(worst[f], r);
                    int peak = argmax(partial.values());
                    hits[f] += item.contains(peak % partial.width(), peak / partial.width()) ? 1 : 0;
                }
                if (++done % 20 == 0) {
                    System.err.printf("%d/%d images%n", done, n);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d images, %.1f live channels on average, batch size 1%n", n, (double) liveTotal / n);
        System.out.println("| channels scored | mean correlation with the exact map | worst | pointing game |");
        System.out.println("|---|---|---|---|");
        for (int f = 0; f < FRACTIONS.length; f++) {
            System.out.printf(Locale.ROOT, "| %.0f%% | %.3f | %.3f | %.3f |%n",
                    100 * FRACTIONS[f], sum[f] / n, worst[f], (double) hits[f] / n);
        }
    }

    /** Pearson correlation; a constant map (all zero) correlates 0 with anything, 1 with itself. */
    static double correlation(float[] a, float[] b) {
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < a.length; i++) {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.length;
        meanB /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - meanA) * (b[i] - meanB);
            aa += (a[i] - meanA) * (a[i] - meanA);
            bb += (b[i] - meanB) * (b[i] - meanB);
        }
        if (aa == 0 || bb == 0) {
            return java.util.Arrays.equals(a, b) ? 1 : 0;
        }
        return ab / Math.sqrt(aa * bb);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
