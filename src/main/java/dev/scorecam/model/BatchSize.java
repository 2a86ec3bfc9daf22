package dev.scorecam.model;

import java.util.Locale;

/**
 * Masked inputs per forward pass: a number, or {@code auto} to measure at warm-up which batch
 * scores a whole Score-CAM fastest on the model's device.
 *
 * @param fixed the configured size, or 0 for auto
 */
public record BatchSize(int fixed) {

    public static final BatchSize AUTO = new BatchSize(0);

    public BatchSize {
        if (fixed < 0) {
            throw new IllegalArgumentException("batch size must be at least 1 (or auto): " + fixed);
        }
    }

    public static BatchSize of(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1 (or auto): " + size);
        }
        return new BatchSize(size);
    }

    /** {@code auto} or a positive integer. */
    public static BatchSize parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return AUTO;
        }
        try {
            return of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch size must be 'auto' or a positive integer, not '" + value + "'");
        }
    }

    public boolean isAuto() {
        return fixed == 0;
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Integer.toString(fixed);
    }
}
