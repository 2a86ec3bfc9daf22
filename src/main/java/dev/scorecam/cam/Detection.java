package dev.scorecam.cam;

import java.util.ArrayList;
import java.util.List;

/**
 * One detection of a detector: its box in model input pixels, its score and class. A detector's
 * output row for one image is D detections of {@value #WIDTH} floats each, {@code [x0, y0, x1, y1,
 * score, class]}, sorted by score, best first; rows of class -1 are padding.
 *
 * @param index its place in the image's detections, best first
 */
public record Detection(int index, Box box, float score, int classIndex) {

    /** Floats per detection in an output row. */
    public static final int WIDTH = 6;

    /** The detections in one image's output row, padding left out, in the detector's order. */
    public static List<Detection> of(float[] row) {
        if (row.length % WIDTH != 0) {
            throw new IllegalArgumentException("a detector's row holds D x " + WIDTH + " floats, not " + row.length);
        }
        List<Detection> detections = new ArrayList<>();
        for (int d = 0; d < row.length / WIDTH; d++) {
            int o = d * WIDTH;
            int classIndex = Math.round(row[o + 5]);
            if (classIndex < 0) {
                continue;
            }
            detections.add(new Detection(detections.size(), new Box(row[o], row[o + 1], row[o + 2], row[o + 3]),
                    row[o + 4], classIndex));
        }
        return detections;
    }
}
