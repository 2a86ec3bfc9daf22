package dev.scorecam.cam;

/**
 * Told after each batch of masked inputs is scored. May throw (for instance a
 * {@link java.util.concurrent.CancellationException}) to stop the computation between batches.
 */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total) -> {};

    void maskedInputsScored(int done, int total);
}
