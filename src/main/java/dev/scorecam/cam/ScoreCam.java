package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Score-CAM (Wang et al., 2020): a class activation map whose channel weights come from how much
 * each channel, used as a mask on the input, raises the class score above a baseline.
 *
 * <p>For input X, target class c and the target layer's activations A^k (k = 1..K):
 * <ol>
 *   <li>masks: M^k = s(Up(A^k)), bilinear upsampling to the input size, then min-max
 *       normalisation to [0,1];
 *   <li>channel scores: S^c_k = f^c(X ⊙ M^k), in batches;
 *   <li>baseline score: S^c_b = f^c(X_b), X_b = 0: what a zero mask leaves of X, so it is scored
 *       as the first masked input, that of an all-zero map;
 *   <li>weights: alpha^c_k = softmax_k(S^c_k - S^c_b);
 *   <li>map: L^c = ReLU(sum_k alpha^c_k A^k), upsampled and normalised for display.
 * </ol>
 * A channel whose map is constant has a zero mask, so its masked input is the baseline and
 * S^c_k = S^c_b without a forward pass. Every masked input keeps the scores of all classes, so
 * more target classes cost no more forward passes. The result's {@code forwardPasses} is
 * counted on the network as the calls are made, not derived from the channel count.
 *
 * <p>Not thread-confined: one instance serves any number of threads.
 */
public final class ScoreCam implements CamMethod {

    /** Keeps the mask normalisation finite for nearly flat maps (as the reference code does). */
    static final float MASK_EPSILON = 1e-8f;

    @Override
    public ScoreCamResult explain(
            Network model, NDArray input, Targets targets, ScoreType scoreType, int batchSize,
            Progress progress) {
        if (input.getShape().dimension() != 4 || input.getShape().get(0) != 1) {
            throw new IllegalArgumentException("input must be one image, (1,3,H,W): " + input.getShape());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        int height = (int) input.getShape().get(2);
        int width = (int) input.getShape().get(3);
        LongAdder images = new LongAdder(); // passes as they happen, for stats: never computed from a formula
        Network network = new ObservedNetwork(model, images::add);

        NDArray activations = network.features(input).squeeze(0);                // A^k, (K,h,w)
        int channels = (int) activations.getShape().get(0);
        float[] logits = network.head(activations.expandDims(0)).toFloatArray();  // f(X)
        int[] classes = targets.select(logits);
        checkClasses(classes, logits.length);

        int[] live = liveChannels(activations);
        if (progress.progressive()) {
            live = byVarianceDescending(activations, live); // the channels that shape the map most, first
        }
        int[] scoredOrder = live;
        // Steps 2 and 3 in one pass: row 0 is the baseline, the masked input of an all-zero map (X ⊙ 0).
        float[][] scores = scoreMaskedInputs(
                network, input, baselineAndLiveMaps(activations, live), scoreType, batchSize, (rows, scored) -> {
                    progress.maskedInputsScored(scored, rows.length);
                    if (progress.progressive()) {
                        progress.partial(new ScoreCamResult(logits,
                                explanations(activations, rows, scored, scoredOrder, classes, height, width),
                                channels, scoredOrder.length, images.intValue()));
                    }
                });
        return new ScoreCamResult(logits, explanations(activations, scores, scores.length, live, classes, height, width),
                channels, live.length, images.intValue());
    }

    /**
     * Steps 4 and 5 for each target from the first {@code scored} rows of scores (row 0 the baseline,
     * row i the channel live[i-1]): a channel not scored yet counts as S_k = S_b, as a dead one does.
     */
    private static List<ClassExplanation> explanations(NDArray activations, float[][] scores, int scored, int[] live,
            int[] classes, int height, int width) {
        int channels = (int) activations.getShape().get(0);
        float[] baselineScores = scores[0];
        float[][] channelScores = Arrays.copyOfRange(scores, 1, scored);
        int[] scoredChannels = Arrays.copyOf(live, scored - 1);
        List<ClassExplanation> explanations = new ArrayList<>(classes.length);
        for (int c : classes) {
            double[] weights = channelWeights(channelScores, baselineScores, scoredChannels, c, channels);
            explanations.add(new ClassExplanation(c, saliency(activations, weights, height, width)));
        }
        return explanations;
    }

    /** Live channels, the largest variance of activation over the map first (ties by index): progressive refinement's order. */
    static int[] byVarianceDescending(NDArray activations, int[] live) {
        int channels = (int) activations.getShape().get(0);
        float[] values = activations.toFloatArray();
        int size = values.length / channels;
        double[] variance = new double[channels];
        for (int k : live) {
            double mean = 0;
            for (int i = k * size; i < (k + 1) * size; i++) {
                mean += values[i];
            }
            mean /= size;
            double sum = 0;
            for (int i = k * size; i < (k + 1) * size; i++) {
                sum += (values[i] - mean) * (values[i] - mean);
            }
            variance[k] = sum / size;
        }
        return Arrays.stream(live).boxed()
                .sorted((a, b) -> Double.compare(variance[b], variance[a]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** Channels whose activation map is not constant; the others have a zero mask. */
    static int[] liveChannels(NDArray activations) {
        long channels = activations.getShape().get(0);
        NDArray flat = activations.reshape(channels, -1);
        float[] range = flat.max(new int[] {1}).sub(flat.min(new int[] {1})).toFloatArray();
        return IntStream.range(0, range.length).filter(k -> range[k] > 0).toArray();
    }

    /** The maps to mask with: an all-zero map (its mask is 0, so its masked input is the baseline), then A^k of each live channel. */
    static NDArray baselineAndLiveMaps(NDArray activations, int[] live) {
        Shape size = activations.getShape().slice(1);
        NDArray zero = activations.getManager().zeros(new Shape(1).addAll(size));
        if (live.length == 0) {
            return zero;
        }
        return zero.concat(activations.get(new NDIndex("{}", activations.getManager().create(live))));
    }

    /** Step 1: M^k = (Up(A^k) - min) / (max - min + eps), for a batch of maps (B,h,w) -> (B,1,H,W). */
    static NDArray masks(NDArray maps, int height, int width) {
        long batch = maps.getShape().get(0);
        NDArray upsampled = upsample(maps, height, width).reshape(batch, -1);
        NDArray min = upsampled.min(new int[] {1}, true);
        NDArray range = upsampled.max(new int[] {1}, true).sub(min).add(MASK_EPSILON);
        // In place: the upsampled maps are this batch's own, and the largest arrays made per batch.
        return upsampled.subi(min).divi(range).reshape(batch, 1, height, width);
    }

    /** Told after each batch with the rows filled so far, {@code scores[0..scored)}. */
    @FunctionalInterface
    private interface BatchScored {

        void scored(float[][] scores, int scored);
    }

    /** Step 2: S = f(X ⊙ M) for each map, all classes kept, one row per map, in batches. */
    private static float[][] scoreMaskedInputs(
            Network network, NDArray input, NDArray maps, ScoreType scoreType, int batchSize, BatchScored afterBatch) {
        int count = (int) maps.getShape().get(0);
        int height = (int) input.getShape().get(2);
        int width = (int) input.getShape().get(3);
        float[][] scores = new float[count][];
        try (BatchScoring scoring = BatchScoring.on(input.getDevice(), input.getManager(), scoreType,
                (from, to, batchScores) -> {
                    System.arraycopy(batchScores, 0, scores, from, batchScores.length);
                    afterBatch.scored(scores, to);
                })) {
            for (int from = 0; from < count; from += batchSize) {
                int to = Math.min(from + batchSize, count);
                String rows = from + ":" + to;
                scoring.submit(from, to, batch -> {
                    NDArray batchMaps = maps.get(rows);
                    batchMaps.attach(batch);
                    return network.forward(masks(batchMaps, height, width).mul(input));
                });
            }
            scoring.finish();
        }
        return scores;
    }

    /** Step 4: alpha_k = softmax over all K channels of (S_k - S_b); a dead channel's difference is 0. */
    static double[] channelWeights(float[][] channelScores, float[] baselineScores, int[] live, int target, int channels) {
        double[] differences = new double[channels];
        for (int i = 0; i < live.length; i++) {
            differences[live[i]] = (double) channelScores[i][target] - baselineScores[target];
        }
        return softmax(differences);
    }

    /** Step 5: L = ReLU(sum_k alpha_k A^k), upsampled to the input and min-max normalised to [0,1]. */
    static Saliency saliency(NDArray activations, double[] weights, int height, int width) {
        int channels = weights.length;
        float[] alpha = new float[channels];
        boolean finite = true;
        for (int k = 0; k < channels; k++) {
            alpha[k] = (float) weights[k];
            finite &= Double.isFinite(weights[k]);
        }
        NDArray cam = activations
                .mul(activations.getManager().create(alpha).reshape(channels, 1, 1))
                .sum(new int[] {0})
                .maximum(0f);
        float[] map = upsample(cam.expandDims(0), height, width).toFloatArray();
        return finite ? normalise(map, width, height, weights) : zeroMap(width, height, weights);
    }

    private static Saliency normalise(float[] map, int width, int height, double[] weights) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            if (!Float.isFinite(v)) {
                return zeroMap(width, height, weights);
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (max <= 0 || max == min) {
            return zeroMap(width, height, weights);
        }
        float range = max - min;
        for (int i = 0; i < map.length; i++) {
            map[i] = (map[i] - min) / range;
        }
        return new Saliency(width, height, map, false, weights);
    }

    private static Saliency zeroMap(int width, int height, double[] weights) {
        return new Saliency(width, height, new float[width * height], true, weights);
    }

    /**
     * Bilinear, half-pixel centres (PyTorch's align_corners=False), (N,h,w) -> (N,H,W). DJL's public
     * resize takes NHWC images, so each map is a one-channel image; on PyTorch it is the same
     * interpolate call (bilinear, align_corners=False, no antialias) as the reference's.
     */
    private static NDArray upsample(NDArray maps, int height, int width) {
        return NDImageUtils.resize(maps.expandDims(3), width, height, Image.Interpolation.BILINEAR).squeeze(3);
    }

    /** The class score S of every class, one row per image: the logit itself, or its softmax probability. */
    static float[][] classScores(NDArray logits, ScoreType scoreType) {
        int images = (int) logits.getShape().get(0);
        int numClasses = (int) logits.getShape().get(1);
        float[] flat = logits.toFloatArray();
        float[][] scores = new float[images][numClasses];
        for (int i = 0; i < images; i++) {
            System.arraycopy(flat, i * numClasses, scores[i], 0, numClasses);
            if (scoreType == ScoreType.PROBABILITY) {
                scores[i] = probabilities(scores[i]);
            }
        }
        return scores;
    }

    /** Softmax of one row of logits, computed in double. */
    public static float[] probabilities(float[] logits) {
        double[] p = softmax(logits);
        float[] result = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            result[i] = (float) p[i];
        }
        return result;
    }

    /** Softmax of float logits, computed in double. */
    static double[] softmax(float[] logits) {
        double[] values = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            values[i] = logits[i];
        }
        return softmax(values);
    }

    static double[] softmax(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double[] result = new double[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.exp(values[i] - max);
            sum += result[i];
        }
        for (int i = 0; i < values.length; i++) {
            result[i] /= sum;
        }
        return result;
    }

    private static void checkClasses(int[] classes, int numClasses) {
        for (int c : classes) {
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("target class " + c + " is not in [0," + numClasses + ")");
            }
        }
    }
}
