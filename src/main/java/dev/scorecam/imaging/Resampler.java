package dev.scorecam.imaging;

/**
 * Separable resampling with the antialiased bilinear (tent) filter of PIL's {@code BILINEAR}.
 * Upscaling is plain bilinear; downscaling widens the tent to cover all source pixels an output
 * pixel spans, which averages the area instead of aliasing, however large the reduction.
 * Sampling is in sRGB values, as there.
 *
 * <p>Checked against PIL (ResamplerPilGoldenTest) for the three resize modes, each as PIL's own
 * recipe: {@code Image.resize} (stretch), {@code ImageOps.pad} (letterbox) and
 * {@code ImageOps.fit} (center-crop). Within 1e-3 of an 8-bit level of PIL on float planes;
 * within one level of PIL on 8-bit RGB, which rounds after each of its two passes where this
 * keeps floats. torchvision's {@code Resize} to a fixed size gives PIL's pixels (checked for
 * stretch by tools/make_resampler_goldens.py, on PIL images and on tensors with antialiasing);
 * its {@code Resize} then {@code CenterCrop} rounds the resized size and the cut to whole
 * pixels, so it matches center-crop only where those come out whole.
 */
final class Resampler {

    /** The source pixels [first, first + weights.length) one output pixel blends, weights summing to 1. */
    record Taps(int first, float[] weights) {
    }

    private Resampler() {
    }

    /**
     * Taps for output pixels [from, to) along one axis, where {@code output = source * scale + offset}.
     * Taps falling off the source are dropped and the rest renormalised, which repeats the edge.
     */
    static Taps[] axis(int sourceLength, int from, int to, double scale, double offset) {
        double filterScale = Math.max(1.0, 1.0 / scale);
        Taps[] taps = new Taps[to - from];
        for (int i = from; i < to; i++) {
            double centre = (i + 0.5 - offset) / scale;
            int first = Math.max(0, (int) Math.floor(centre - filterScale));
            int last = Math.min(sourceLength - 1, (int) Math.ceil(centre + filterScale));
            taps[i - from] = tent(centre, filterScale, first, last, sourceLength);
        }
        return taps;
    }

    private static Taps tent(double centre, double filterScale, int first, int last, int sourceLength) {
        double[] raw = new double[Math.max(0, last - first + 1)];
        double sum = 0;
        int lo = -1;
        int hi = -1;
        for (int j = first; j <= last; j++) {
            double w = Math.max(0, 1 - Math.abs(j + 0.5 - centre) / filterScale);
            raw[j - first] = w;
            sum += w;
            if (w > 0) {
                lo = lo < 0 ? j : lo;
                hi = j;
            }
        }
        if (sum == 0) { // centre beyond the source by more than the support: repeat the edge
            int nearest = Math.max(0, Math.min(sourceLength - 1, (int) Math.floor(centre)));
            return new Taps(nearest, new float[] {1f});
        }
        float[] weights = new float[hi - lo + 1];
        for (int j = lo; j <= hi; j++) {
            weights[j - lo] = (float) (raw[j - first] / sum);
        }
        return new Taps(lo, weights);
    }

    /**
     * Resamples packed 0xRRGGBB pixels into three planes of 0..255 floats, row-major
     * {@code [channel][y * xTaps.length + x]}.
     */
    static float[][] resample(int[] rgb, int sourceWidth, Taps[] xTaps, Taps[] yTaps) {
        return resample(rgb, sourceWidth, xTaps, yTaps, false);
    }

    /**
     * As {@link #resample(int[], int, Taps[], Taps[])}; with {@code alpha}, the pixels are 0xAARRGGBB
     * (straight alpha) and four planes come back: the colours premultiplied by alpha, then alpha,
     * all 0..255. Blending premultiplied values is what keeps a transparent pixel's hidden colour
     * from bleeding into its neighbours.
     */
    static float[][] resample(int[] pixels, int sourceWidth, Taps[] xTaps, Taps[] yTaps, boolean alpha) {
        int planes = alpha ? 4 : 3;
        int outWidth = xTaps.length;
        int outHeight = yTaps.length;
        int firstRow = Integer.MAX_VALUE;
        int lastRow = -1;
        for (Taps t : yTaps) {
            firstRow = Math.min(firstRow, t.first());
            lastRow = Math.max(lastRow, t.first() + t.weights().length - 1);
        }
        int rows = Math.max(0, lastRow - firstRow + 1);

        // Horizontal pass over only the source rows the vertical taps read.
        float[][] horizontal = new float[planes][rows * outWidth];
        for (int r = 0; r < rows; r++) {
            int rowStart = (firstRow + r) * sourceWidth;
            for (int x = 0; x < outWidth; x++) {
                Taps t = xTaps[x];
                float red = 0;
                float green = 0;
                float blue = 0;
                float opacity = 0;
                for (int k = 0; k < t.weights().length; k++) {
                    int p = pixels[rowStart + t.first() + k];
                    float w = t.weights()[k];
                    if (alpha) {
                        int a = p >>> 24;
                        opacity += w * a;
                        w = w * a / 255f;
                    }
                    red += w * (p >> 16 & 0xFF);
                    green += w * (p >> 8 & 0xFF);
                    blue += w * (p & 0xFF);
                }
                horizontal[0][r * outWidth + x] = red;
                horizontal[1][r * outWidth + x] = green;
                horizontal[2][r * outWidth + x] = blue;
                if (alpha) {
                    horizontal[3][r * outWidth + x] = opacity;
                }
            }
        }

        float[][] out = new float[planes][outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            Taps t = yTaps[y];
            for (int c = 0; c < planes; c++) {
                float[] in = horizontal[c];
                for (int x = 0; x < outWidth; x++) {
                    float sum = 0;
                    for (int k = 0; k < t.weights().length; k++) {
                        sum += t.weights()[k] * in[(t.first() - firstRow + k) * outWidth + x];
                    }
                    out[c][y * outWidth + x] = sum;
                }
            }
        }
        return out;
    }
}
