package dev.scorecam.cam;

/**
 * Told after each batch of masked inputs is scored. May throw (for instance a
 * {@link java.util.concurrent.CancellationException}) to stop the computation between batches.
 *
 * <p>A progress that is {@link #progressive()} asks for progressive refinement: the live channels
 * are scored in order of activation variance, largest first, and after each batch
 * {@link #partial} gets the maps from the channels scored so far.
 */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total) -> {};

    void maskedInputsScored(int done, int total);

    /** True to get {@link #partial} maps after each batch. */
    default boolean progressive() {
        return false;
    }

    /**
     * Progressive refinement only, after {@link #maskedInputsScored}: the maps of every target from
     * the channels scored so far, each unscored channel weighted as if S_k = S_b. After the last
     * batch these are the exact maps.
     */
    default void partial(CamResult soFar) {}
}
