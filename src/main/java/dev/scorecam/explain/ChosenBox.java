package dev.scorecam.explain;

import java.util.List;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.BoxRule;
import dev.scorecam.cam.BoxTarget;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Target;
import dev.scorecam.cam.Targets;

/**
 * The box of a detector's class that a request asked to explain, as data (so that it can be queued
 * in Redis and computed on another node): in model input pixels, which the detector's rows use,
 * and in the uploaded image's pixels, as the client gave it or as the detection was reported.
 *
 * @param detection the index of the detection it is, when the request named one; -1 for a box
 * @param rule how a masked input's detections are read as the box's score
 * @param detectorPasses images the detector ran to find the detection, counted as they ran on the
 *     node that took the request (0 for a box): part of the answer's forward passes
 */
public record ChosenBox(int classIndex, Box inInput, Box inImage, int detection, BoxRule rule, int detectorPasses)
        implements Targets {

    /** The same box, found by {@code passes} images through the detector. */
    public ChosenBox withDetectorPasses(int passes) {
        return new ChosenBox(classIndex, inInput, inImage, detection, rule, passes);
    }

    public BoxTarget target(ScoreKind score) {
        return new BoxTarget(classIndex, inInput, score, rule);
    }

    @Override
    public int[] select(float[] logits) {
        return new int[] {classIndex};
    }

    /** One target, the box. */
    @Override
    public List<Target> resolve(float[] logits, ScoreKind score) {
        return List.of(target(score));
    }
}
