package dev.scorecam.cam;

import java.util.Optional;

/**
 * A detector's box of a class, in model input pixels. The box's probability p in an output row (a
 * masked input's detections) reads "how sure the detector still is of this object here", by the
 * {@link BoxRule}: by default ({@link BoxRule#OVERLAP}) the best score x IoU of its detections of
 * that class, or ({@link BoxRule#MATCH}) the score of the one that overlaps the box best with an
 * IoU of at least {@value #MIN_IOU}, 0 without one. A detection of the same class elsewhere in the
 * image does not count under either: it does not overlap the box.
 *
 * <p>S is p itself ({@link ScoreKind#PROBABILITY}) or, by default as for a classifier, its logit
 * log(p / (1 - p)) ({@link ScoreKind#LOGIT}), p clipped to [{@value #MIN_PROBABILITY},
 * 1 - {@value #MIN_PROBABILITY}] so that "no detection" is a finite score, the lowest. The logit is
 * what lets Score-CAM's softmax over channels tell them apart: probabilities differ by less than 1,
 * and exp of such differences weighs every channel nearly alike.
 */
public record BoxTarget(int classIndex, Box box, ScoreKind kind, BoxRule rule) implements Target {

    /** The overlap at which {@link BoxRule#MATCH} counts a detection as finding the box (PASCAL VOC, mAP@0.5). */
    public static final double MIN_IOU = 0.5;
    /** The probability that no detection counts as on the logit scale: logit -9.2. */
    public static final double MIN_PROBABILITY = 1e-4;

    /**
     * The detection p is read from: of the box's class, the one with the highest score x IoU
     * (overlap) or the best IoU of at least 0.5 (match); the first of equals, the higher score.
     */
    public Optional<Detection> match(float[] row) {
        Detection best = null;
        double bestValue = rule == BoxRule.MATCH ? MIN_IOU : 0;
        for (Detection d : Detection.of(row)) {
            if (d.classIndex() != classIndex) {
                continue;
            }
            double value = rule == BoxRule.MATCH ? d.box().iou(box) : d.score() * d.box().iou(box);
            if (value > bestValue || (rule == BoxRule.MATCH && best == null && value == bestValue)) {
                best = d;
                bestValue = value;
            }
        }
        return Optional.ofNullable(best);
    }

    /** p: the matched detection's score, times its IoU with the box under the overlap rule; 0 without one. */
    @Override
    public double probability(float[] row) {
        return match(row).map(d -> d.score() * weight(d)).orElse(0.0);
    }

    @Override
    public float score(float[] row) {
        double p = probability(row);
        return (float) (kind == ScoreKind.PROBABILITY ? p : logit(clip(p)));
    }

    /**
     * dS/d row: at the matched detection's score dp/dscore (1, or its IoU under the overlap rule)
     * times 1 (probability) or 1 / (p (1 - p)) (logit, 0 where p is clipped), 0 elsewhere (the
     * choice of detection and the boxes are held fixed); all zero without a match.
     */
    @Override
    public float[] scoreGradient(float[] row) {
        float[] gradient = new float[row.length];
        match(row).ifPresent(d -> {
            double weight = weight(d);
            double p = d.score() * weight;
            gradient[scoreOffset(row, d.index())] = (float) (kind == ScoreKind.PROBABILITY ? weight
                    : clip(p) != p ? 0 : weight / (p * (1 - p)));
        });
        return gradient;
    }

    /** dp/dscore of a matched detection. */
    private double weight(Detection d) {
        return rule == BoxRule.OVERLAP ? d.box().iou(box) : 1;
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
