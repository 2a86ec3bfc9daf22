package dev.scorecam.cam;

/**
 * An axis-aligned box [x0,x1] x [y0,y1] in continuous pixel coordinates (an image of width W spans
 * [0,W]), in whatever pixels its owner says: the model input's for a detector's rows.
 */
public record Box(double x0, double y0, double x1, double y1) {

    public Box {
        if (!(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1))) {
            throw new IllegalArgumentException("box coordinates must be finite: " + x0 + "," + y0 + "," + x1 + "," + y1);
        }
    }

    public double width() {
        return Math.max(0, x1 - x0);
    }

    public double height() {
        return Math.max(0, y1 - y0);
    }

    public double area() {
        return width() * height();
    }

    /** Intersection over union: |A ∩ B| / |A ∪ B|, 0 when either box is empty. */
    public double iou(Box other) {
        double w = Math.min(x1, other.x1) - Math.max(x0, other.x0);
        double h = Math.min(y1, other.y1) - Math.max(y0, other.y0);
        double intersection = w > 0 && h > 0 ? w * h : 0;
        double union = area() + other.area() - intersection;
        return union > 0 ? intersection / union : 0;
    }
}
