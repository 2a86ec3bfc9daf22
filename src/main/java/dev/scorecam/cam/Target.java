package dev.scorecam.cam;

/**
 * What one map explains: the score S of a network output that the map's channel weights are
 * measured against. A class of a classifier today; a detector's box would be another kind.
 */
public sealed interface Target permits ClassTarget {

    /** The class the map speaks for. */
    int classIndex();

    /** S for one image's output row. */
    float score(float[] logits);

    /** dS/d logits for one image's output row, for the gradient methods. */
    float[] scoreGradient(float[] logits);
}
