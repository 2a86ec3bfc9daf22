package dev.scorecam.cam;

import java.util.Comparator;
import java.util.stream.IntStream;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The arithmetic that every CAM method shares, one version of each: which channels are live,
 * their variance, the masks made from them, the softmax of the channel weights and the map itself.
 */
final class CamMath {

    /** Keeps the mask normalisation finite for nearly flat maps (as the reference code does). */
    static final float MASK_EPSILON = 1e-8f;

    private CamMath() {}

    /** Channels whose activation map is not constant; the others have a zero mask. */
    static int[] liveChannels(NDArray activations) {
        long channels = activations.getShape().get(0);
        NDArray flat = activations.reshape(channels, -1);
        float[] range = flat.max(new int[] {1}).sub(flat.min(new int[] {1})).toFloatArray();
        return IntStream.range(0, range.length).filter(k -> range[k] > 0).toArray();
    }

    /**
     * Var(A^k), the population variance over the h x w cells of each channel, rounded to float so
     * that equal maps at other cells tie whatever the summation order.
     */
    static float[] variance(NDArray activations) {
        int channels = (int) activations.getShape().get(0);
        float[] flat = activations.toFloatArray();
        int cells = flat.length / channels;
        float[] variance = new float[channels];
        for (int k = 0; k < channels; k++) {
            double mean = 0;
            for (int i = 0; i < cells; i++) {
                mean += flat[k * cells + i];
            }
            mean /= cells;
            double squares = 0;
            for (int i = 0; i < cells; i++) {
                double d = flat[k * cells + i] - mean;
                squares += d * d;
            }
            variance[k] = (float) (squares / cells);
        }
        return variance;
    }

    /** The given channels, largest variance first (ties: lower index first). */
    static int[] byVarianceDescending(float[] variance, int[] channels) {
        return IntStream.of(channels).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> -variance[k]).thenComparingInt(k -> k))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** Step 1 of Score-CAM: M^k = (Up(A^k) - min) / (max - min + eps), for a batch of maps (B,h,w) -> (B,1,H,W). */
    static NDArray masks(NDArray maps, int height, int width) {
        long batch = maps.getShape().get(0);
        NDArray upsampled = upsample(maps, height, width).reshape(batch, -1);
        NDArray min = upsampled.min(new int[] {1}, true);
        NDArray range = upsampled.max(new int[] {1}, true).sub(min).add(MASK_EPSILON);
        // In place: the upsampled maps are this batch's own, and the largest arrays made per batch.
        return upsampled.subi(min).divi(range).reshape(batch, 1, height, width);
    }

    /** Score-CAM's alpha_k = softmax over all K channels of (S_k - S_b). */
    static double[] softmaxWeights(double[] differences) {
        return softmaxWeights(differences, IntStream.range(0, differences.length).toArray());
    }

    /**
     * Channel weights as a softmax over the channels {@code over} of their score differences
     * (S_k - S_b), 0 for every other channel.
     *
     * @param differences one per channel of the layer
     * @param over ascending channel indices
     */
    static double[] softmaxWeights(double[] differences, int[] over) {
        double[] values = new double[over.length];
        for (int i = 0; i < over.length; i++) {
            values[i] = differences[over[i]];
        }
        double[] softmax = softmax(values);
        double[] weights = new double[differences.length];
        for (int i = 0; i < over.length; i++) {
            weights[over[i]] = softmax[i];
        }
        return weights;
    }

    /** Softmax of one row of logits, computed in double, as float: the class probabilities. */
    static float[] probabilities(float[] logits) {
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

    /**
     * The map from channel weights: L = ReLU(sum_k w_k A^k), upsampled to the input and min-max
     * normalised to [0,1] (Score-CAM's step 5, Grad-CAM's Eq. 2).
     */
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

    /**
     * A map the method computed on the h x w grid ({@code cells}, row-major), as the methods that
     * weigh cells rather than channels make it: upsampled to the input and min-max normalised to
     * [0,1] (all zero unless its maximum is positive and above its minimum, or if it is not finite).
     *
     * @param weights what the map was made from, reported beside it
     */
    static Saliency gridSaliency(NDManager manager, double[] cells, int gridHeight, int gridWidth, double[] weights,
            int height, int width) {
        float[] values = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            if (!Double.isFinite(cells[i])) {
                return zeroMap(width, height, weights);
            }
            values[i] = (float) cells[i];
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray cam = scope.create(values, new Shape(1, gridHeight, gridWidth));
            return normalise(upsample(cam, height, width).toFloatArray(), width, height, weights);
        }
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
}
