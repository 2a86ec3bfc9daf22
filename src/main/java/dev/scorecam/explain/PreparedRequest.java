package dev.scorecam.explain;

import java.awt.image.BufferedImage;

import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.model.ServedModel;

/**
 * A checked request with its image decoded and prepared: everything the device work needs, and
 * what its result is rendered and reported with. Made on the caller's thread, so bad input is
 * refused before anything is queued.
 *
 * @param choice the method with its parameters checked and bound
 * @param metricsSteps the deletion/insertion steps when the faithfulness is asked for; null: not asked
 * @param progressive publish a partial explanation after each batch (progressive refinement)
 * @param traceParent the W3C {@code traceparent} of the request that asked for it, so that the
 *     spans of its computation join that request's trace wherever it runs; null: none
 */
public record PreparedRequest(
        ServedModel model,
        MethodCatalogue.Choice choice,
        Targets targets,
        ScoreKind score,
        int batchSize,
        BufferedImage original,
        ModelInput input,
        Integer metricsSteps,
        boolean progressive,
        String traceParent) {

    /** A request in no trace. */
    public PreparedRequest(ServedModel model, MethodCatalogue.Choice choice, Targets targets, ScoreKind score,
            int batchSize, BufferedImage original, ModelInput input, Integer metricsSteps, boolean progressive) {
        this(model, choice, targets, score, batchSize, original, input, metricsSteps, progressive, null);
    }

    /** The same request on another device's copy of its model. */
    public PreparedRequest on(ServedModel replica) {
        return replica == model ? this : new PreparedRequest(replica, choice, targets, score, batchSize, original,
                input, metricsSteps, progressive, traceParent);
    }

    /** The same request in the trace that {@code traceParent} names. */
    public PreparedRequest inTrace(String traceParent) {
        return new PreparedRequest(model, choice, targets, score, batchSize, original, input, metricsSteps,
                progressive, traceParent);
    }
}
