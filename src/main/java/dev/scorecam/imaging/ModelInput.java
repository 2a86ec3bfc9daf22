package dev.scorecam.imaging;

import java.util.Objects;

/**
 * One image as the model takes it: float32 CHW (R, G, B planes, row-major), normalised, plus the
 * geometry that maps it back onto the original. The array is shared, not copied: it is large and
 * handed straight to the engine.
 */
public record ModelInput(float[] chw, Placement placement) {

    public ModelInput {
        Objects.requireNonNull(chw, "chw");
        Objects.requireNonNull(placement, "placement");
        if (chw.length != 3 * placement.inputWidth() * placement.inputHeight()) {
            throw new IllegalArgumentException("chw holds %d values, expected 3x%dx%d".formatted(
                    chw.length, placement.inputHeight(), placement.inputWidth()));
        }
    }

    public int width() {
        return placement.inputWidth();
    }

    public int height() {
        return placement.inputHeight();
    }
}
