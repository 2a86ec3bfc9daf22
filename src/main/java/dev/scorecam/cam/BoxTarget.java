package dev.scorecam.cam;

import java.util.Optional;

/**
 * A detector's box of a class, in model input pixels. The box's probability p in an output row (a
 * masked input's detections) is the score of its detection of that class which overlaps the box
 * best, provided that overlap is an IoU of at least {@value #MIN_IOU}; 0 when it has none. So p
 * reads "how sure the detector still is of this object here": a masked input that keeps the object
 * keeps a detection on the box, one that removes it loses the detection (p = 0), and a detection of
 * the same class elsewhere in the image does not count. 0.5 is the usual IoU at which a detection
 * counts as finding a box (PASCAL VOC, mAP@0.5).
 *
 * <p>S is p itself ({@link ScoreKind#PROBABILITY}) or, by default as for a classifier, its logit
 * log(p / (1 - p)) ({@link ScoreKind#LOGIT}), p clipped to [{@value #MIN_PROBABILITY},
 * 1 - {@value #MIN_PROBABILITY}] so that "no detection" is a finite score, the lowest. The logit is
 * what lets Score-CAM's softmax over channels tell them apart: probabilities differ by less than 1,
 * and exp of such differences weighs every channel nearly alike.
 */
public record BoxTarget(int classIndex, Box box, ScoreKind kind) implements Target {

    public static final double MIN_IOU = 0.5;
    /** The probability that no detection counts as on the logit scale: logit -9.2. */
    public static final double MIN_PROBABILITY = 1e-4;

    /** The detection of the class that overlaps the box best with IoU at least 0.5 (the first of equals: the higher score). */
    public Optional<Detection> match(float[] row) {
        Detection best = null;
        double bestIou = MIN_IOU;
        for (Detection d : Detection.of(row)) {
            if (d.classIndex() != classIndex) {
                continue;
            }
            double iou = d.box().iou(box);
            if (iou > bestIou || (best == null && iou == bestIou)) {
                best = d;
                bestIou = iou;
            }
        }
        return Optional.ofNullable(best);
    }

    /** p: the matched detection's score, 0 without one. */
    @Override
    public double probability(float[] row) {
        return match(row).map(Detection::score).orElse(0f);
    }

    @Override
    public float score(float[] row) {
        double p = probability(row);
        return (float) (kind == ScoreKind.PROBABILITY ? p : logit(clip(p)));
    }

    /**
     * dS/d row: at the matched detection's score 1 (probability) or 1 / (p (1 - p)) (logit, 0 where p
     * is clipped), 0 elsewhere (the match is piecewise constant in the boxes); all zero without a match.
     */
    @Override
    public float[] scoreGradient(float[] row) {
        float[] gradient = new float[row.length];
        match(row).ifPresent(d -> {
            double p = d.score();
            gradient[scoreOffset(row, d.index())] = kind == ScoreKind.PROBABILITY ? 1f
                    : clip(p) != p ? 0f : (float) (1 / (p * (1 - p)));
        });
        return gradient;
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private static double clip(double p) {
        return Math.min(1 - MIN_PROBABILITY, Math.max(MIN_PROBABILITY, p));
    }

    /** Where the score of the index-th detection (padding skipped) sits in the row. */
    private static int scoreOffset(float[] row, int index) {
        int seen = -1;
        for (int o = 0; o < row.length; o += Detection.WIDTH) {
            if (Math.round(row[o + 5]) >= 0 && ++seen == index) {
                return o + 4;
            }
        }
        throw new IllegalStateException("no detection " + index + " in the row");
    }
}
