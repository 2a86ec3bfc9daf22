package dev.scorecam.cam;

/**
 * What one map explains: the score S of a network output that the map's channel weights are
 * measured against. A class of a classifier, or a box of a class found by a detector.
 */
public sealed interface Target permits ClassTarget, BoxTarget {

    /** The class the map speaks for. */
    int classIndex();

    /** S for one image's output row. */
    float score(float[] logits);

    /** The probability of the target in one image's output row, which the faithfulness metrics read. */
    double probability(float[] logits);

    /** dS/d logits for one image's output row, for the gradient methods. */
    float[] scoreGradient(float[] logits);
}
