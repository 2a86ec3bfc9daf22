package dev.scorecam.explain;

import dev.scorecam.cam.Targets;

/**
 * The classes a request asked for, as data: named classes, or the top {@code k}. Data, not a
 * function, so that a request can be queued in Redis and computed on another node.
 *
 * @param classes the class indices asked for, in order; null when the top {@code topK} are
 */
public record ChosenTargets(int[] classes, int topK) implements Targets {

    public static ChosenTargets of(int... classes) {
        return new ChosenTargets(classes.clone(), 0);
    }

    public static ChosenTargets top(int k) {
        return new ChosenTargets(null, k);
    }

    @Override
    public int[] select(float[] logits) {
        return classes != null ? classes.clone() : Targets.topK(topK).select(logits);
    }
}
