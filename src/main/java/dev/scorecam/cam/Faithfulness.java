package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * How faithful a saliency map is to the model it explains, whatever method made it: the
 * Score-CAM paper's Average Drop and Increase (Wang et al. 2020, section 4.3, from Grad-CAM++)
 * and Petsiuk et al.'s deletion and insertion AUC (RISE, 2018; the Score-CAM paper's Table 3).
 *
 * <p>The class score is the softmax probability p_c, as in both papers (a detector's box: the score
 * of its matched detection, {@link Target#probability}). All images live in the
 * model's normalised input space, where 0 is the model's mean colour: the same "no signal" that
 * Score-CAM's baseline and masks use.
 * <ul>
 *   <li>drop = max(0, Y - O) / Y and increase = [O > Y], with Y = p_c(X) and O = p_c(X ⊙ L), L the
 *       map in [0,1] at input resolution used as a soft mask (Grad-CAM++ eq. 19-20);
 *   <li>deletion: pixels set to the baseline 0 (the mean colour) in order of decreasing saliency,
 *       {@code steps} batches, p_c after each; insertion: pixels of X put back in the same order
 *       into a blurred copy of X (see {@link #blur}); each AUC is the trapezoid rule of p_c over the
 *       fraction of pixels changed, from 0 to 1 (low deletion, high insertion = faithful).
 * </ul>
 * Pixels are ranked by the map, highest first, ties by row-major index; after step i the first
 * floor(i * H * W / steps) pixels are changed (all three colours). X itself is the first
 * deletion image and the last insertion image: it is scored once for all targets. So a request
 * costs 1 + targets x (1 + 2 x steps) images, counted on the network as they run.
 *
 * <p>Not thread-confined: one instance serves any number of threads.
 */
public final class Faithfulness {

    public static final int DEFAULT_STEPS = 20;
    /** The blur insertion starts from: RISE's own (an 11 x 11 Gaussian kernel, sigma 5). */
    static final int BLUR_SIZE = 11;
    static final double BLUR_SIGMA = 5.0;
    public static final String DELETION_BASELINE = "zero (the model's mean colour)";
    public static final String INSERTION_BASELINE =
            "gaussian blur (11x11, sigma 5 px, zero padding) of the input";

    /**
     * @param input the image the maps explain, (1,3,H,W) in the model's normalised space
     * @param maps the maps to judge, each at the input's resolution
     * @param progress told after each batch, may throw to stop between batches
     */
    public FaithfulnessResult measure(Network model, NDArray input, List<TargetMap> maps, int steps,
            int batchSize, Progress progress) {
        if (input.getShape().dimension() != 4 || input.getShape().get(0) != 1) {
            throw new IllegalArgumentException("input must be one image, (1,3,H,W): " + input.getShape());
        }
        if (steps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("steps and batch size must be at least 1: " + steps + ", " + batchSize);
        }
        int height = (int) input.getShape().get(2);
        int width = (int) input.getShape().get(3);
        float[] x = input.toFloatArray();
        for (TargetMap e : maps) {
            if (e.saliency().values().length != height * width) {
                throw new IllegalArgumentException("map of class " + e.target().classIndex() + " is not " + width + "x" + height);
            }
        }
        LongAdder images = new LongAdder(); // counted as the passes run, for stats
        Network network = new ObservedNetwork(model, images::add);
        Perturbations perturbations = new Perturbations(x, blur(x, height, width), maps, steps, height * width);
        float[][] outputs = score(network, input, perturbations, batchSize, progress);

        List<ClassFaithfulness> results = new ArrayList<>(maps.size());
        for (int t = 0; t < maps.size(); t++) {
            Target target = maps.get(t).target();
            int c = target.classIndex();
            int first = 1 + t * (1 + 2 * steps);
            double y = target.probability(outputs[0]);
            double o = target.probability(outputs[first]);
            double[] deletion = new double[steps + 1];
            double[] insertion = new double[steps + 1];
            deletion[0] = y;
            insertion[steps] = y;
            for (int i = 1; i <= steps; i++) {
                deletion[i] = target.probability(outputs[first + i]);
                insertion[i - 1] = target.probability(outputs[first + steps + i]);
            }
            double[] fractions = perturbations.fractions();
            results.add(new ClassFaithfulness(c, y, o, averageDrop(y, o), o > y,
                    auc(fractions, deletion), auc(fractions, insertion), steps, deletion, insertion));
        }
        return new FaithfulnessResult(results, images.intValue());
    }

    /** Pixels changed after step i of {@code steps}: floor(i * HW / steps). */
    static int changed(int step, int steps, int pixels) {
        return (int) ((long) step * pixels / steps);
    }

    /** The share of the {@code pixels} changed at each of the steps + 1 points of both curves, 0 to 1. */
    public static double[] fractions(int steps, int pixels) {
        double[] fractions = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            fractions[i] = (double) changed(i, steps, pixels) / pixels;
        }
        return fractions;
    }

    /** Grad-CAM++ eq. 19, one image: max(0, Y - O) / Y. */
    static double averageDrop(double y, double o) {
        return Math.max(0, y - o) / y;
    }

    /** The trapezoid rule over (fraction, probability) points. */
    static double auc(double[] fractions, double[] values) {
        double area = 0;
        for (int i = 1; i < values.length; i++) {
            area += (fractions[i] - fractions[i - 1]) * (values[i] + values[i - 1]) / 2;
        }
        return area;
    }

    /** Every perturbed image's output row, in batches: row 0 is X, then each target's. */
    private static float[][] score(Network network, NDArray input, Perturbations perturbations, int batchSize,
            Progress progress) {
        int count = perturbations.count();
        long[] chw = input.getShape().slice(1).getShape();
        int size = perturbations.imageSize();
        float[][] outputs = new float[count][];
        for (int from = 0; from < count; from += batchSize) {
            int to = Math.min(from + batchSize, count);
            float[] batch = new float[(to - from) * size];
            for (int i = from; i < to; i++) {
                perturbations.write(i, batch, (i - from) * size);
            }
            try (NDManager manager = input.getManager().newSubManager()) {
                NDArray images = manager.create(batch, new Shape(to - from, chw[0], chw[1], chw[2]));
                NDArray logits = network.forward(images);
                int classes = (int) logits.getShape().get(1);
                float[] flat = logits.toFloatArray();
                for (int i = from; i < to; i++) {
                    outputs[i] = Arrays.copyOfRange(flat, (i - from) * classes, (i - from + 1) * classes);
                }
            }
            progress.maskedInputsScored(to, count);
        }
        return outputs;
    }

    /**
     * The insertion baseline: each colour plane convolved with a normalised 11 x 11 Gaussian
     * (sigma 5 px, RISE's {@code gkern(11, 5)}), zero padding at the borders, as RISE's
     * {@code conv2d(..., padding=5)}; zero is the mean colour here, so borders fade towards it.
     * Separable: rows, then columns, in double.
     */
    static float[] blur(float[] chw, int height, int width) {
        double[] kernel = gaussianKernel();
        int radius = BLUR_SIZE / 2;
        int plane = height * width;
        float[] out = new float[chw.length];
        double[] rows = new double[plane];
        for (int c = 0; c < chw.length / plane; c++) {
            int offset = c * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int j = -radius; j <= radius; j++) {
                        int xx = x + j;
                        if (xx >= 0 && xx < width) {
                            sum += kernel[j + radius] * chw[offset + y * width + xx];
                        }
                    }
                    rows[y * width + x] = sum;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int j = -radius; j <= radius; j++) {
                        int yy = y + j;
                        if (yy >= 0 && yy < height) {
                            sum += kernel[j + radius] * rows[yy * width + x];
                        }
                    }
                    out[offset + y * width + x] = (float) sum;
                }
            }
        }
        return out;
    }

    /** g(j) proportional to exp(-j^2 / (2 sigma^2)), j = -5..5, summing to 1 (the 2-D kernel is g g^T). */
    static double[] gaussianKernel() {
        double[] kernel = new double[BLUR_SIZE];
        double sum = 0;
        for (int i = 0; i < BLUR_SIZE; i++) {
            double j = i - BLUR_SIZE / 2;
            kernel[i] = Math.exp(-j * j / (2 * BLUR_SIGMA * BLUR_SIGMA));
            sum += kernel[i];
        }
        for (int i = 0; i < BLUR_SIZE; i++) {
            kernel[i] /= sum;
        }
        return kernel;
    }

    /** Pixel indices by decreasing saliency, ties by index (a stable sort). */
    static int[] ranking(float[] map) {
        return java.util.stream.IntStream.range(0, map.length)
                .boxed()
                .sorted((a, b) -> Float.compare(map[b], map[a]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * The images to score, made one at a time as the batches need them: 0 is X; then per target
     * t, from 1 + t(1 + 2 steps): X ⊙ L, deletion steps 1..steps, insertion steps 0..steps-1.
     */
    private static final class Perturbations {

        private final float[] x;
        private final float[] blurred;
        private final float[] zeros;
        private final List<TargetMap> maps;
        private final int[][] rankings;
        private final int steps;
        private final int pixels;

        Perturbations(float[] x, float[] blurred, List<TargetMap> maps, int steps, int pixels) {
            this.x = x;
            this.blurred = blurred;
            this.zeros = new float[x.length];
            this.maps = maps;
            this.rankings = maps.stream().map(e -> ranking(e.saliency().values())).toArray(int[][]::new);
            this.steps = steps;
            this.pixels = pixels;
        }

        int count() {
            return 1 + maps.size() * (1 + 2 * steps);
        }

        int imageSize() {
            return x.length;
        }

        int changed(int step) {
            return Faithfulness.changed(step, steps, pixels);
        }

        double[] fractions() {
            return Faithfulness.fractions(steps, pixels);
        }

        void write(int image, float[] into, int offset) {
            if (image == 0) {
                System.arraycopy(x, 0, into, offset, x.length);
                return;
            }
            int t = (image - 1) / (1 + 2 * steps);
            int k = (image - 1) % (1 + 2 * steps);
            if (k == 0) {
                float[] map = maps.get(t).saliency().values();
                for (int i = 0; i < x.length; i++) {
                    into[offset + i] = x[i] * map[i % pixels];
                }
            } else if (k <= steps) {
                System.arraycopy(x, 0, into, offset, x.length);
                overwrite(rankings[t], changed(k), zeros, into, offset);
            } else {
                System.arraycopy(blurred, 0, into, offset, x.length);
                overwrite(rankings[t], changed(k - steps - 1), x, into, offset);
            }
        }

        /** The first {@code count} ranked pixels, every colour, taken from {@code source}. */
        private void overwrite(int[] ranking, int count, float[] source, float[] into, int offset) {
            for (int r = 0; r < count; r++) {
                int pixel = ranking[r];
                for (int c = 0; c < x.length / pixels; c++) {
                    into[offset + c * pixels + pixel] = source[c * pixels + pixel];
                }
            }
        }
    }
}
