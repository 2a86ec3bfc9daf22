package dev.scorecam.imaging;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How an upload of any aspect ratio becomes the model's fixed input size (model.yaml {@code input.resize}). */
public enum ResizeMode {
    /** Resize to exactly width × height; the aspect ratio is not kept. */
    STRETCH("stretch"),
    /** Fit inside, keep the aspect ratio, centre; borders are zero in the normalised input. */
    LETTERBOX("letterbox"),
    /** Cover, keep the aspect ratio, cut out the centre. */
    CENTER_CROP("center-crop");

    private final String id;

    ResizeMode(String id) {
        this.id = id;
    }

    /** The spelling used in model.yaml and the API. */
    public String id() {
        return id;
    }

    public static ResizeMode parse(String s) {
        for (ResizeMode mode : values()) {
            if (mode.id.equalsIgnoreCase(s == null ? "" : s.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown resize mode '%s'; use one of %s"
                .formatted(s, Arrays.stream(values()).map(ResizeMode::id).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return id;
    }
}
