package dev.scorecam.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the model expects: input size, per-channel RGB normalisation {@code (x - mean) / std} on
 * pixels in [0,1], and how to resize. The arrays are copied in and out, so an instance cannot change.
 */
public record InputFormat(int width, int height, float[] mean, float[] std, ResizeMode resize) {

    public InputFormat {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Input size must be positive, was %dx%d".formatted(width, height));
        }
        if (mean == null || mean.length != 3 || !allFinite(mean)) {
            throw new IllegalArgumentException("mean needs 3 finite values (R, G, B), was " + Arrays.toString(mean));
        }
        if (std == null || std.length != 3 || !allFinite(std) || !(std[0] > 0 && std[1] > 0 && std[2] > 0)) {
            throw new IllegalArgumentException("std needs 3 positive values (R, G, B), was " + Arrays.toString(std));
        }
        Objects.requireNonNull(resize, "resize");
        mean = mean.clone();
        std = std.clone();
    }

    /** No normalisation (mean 0, std 1): the model sees pixels in [0,1]. */
    public static InputFormat unnormalised(int width, int height, ResizeMode resize) {
        return new InputFormat(width, height, new float[] {0, 0, 0}, new float[] {1, 1, 1}, resize);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputFormat other && width == other.width && height == other.height
                && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std) && resize == other.resize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, Arrays.hashCode(mean), Arrays.hashCode(std), resize);
    }

    @Override
    public String toString() {
        return "InputFormat[%dx%d, mean=%s, std=%s, resize=%s]"
                .formatted(width, height, Arrays.toString(mean), Arrays.toString(std), resize);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
