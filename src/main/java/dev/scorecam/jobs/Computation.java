package dev.scorecam.jobs;

/**
 * The work of one job, as one worker slot runs it: the engine in production, a fake in tests.
 * Reports {@link Progress} between batches; a {@link java.util.concurrent.CancellationException}
 * thrown from there must be let through, it is how a running job stops.
 *
 * @param <W> what a job carries to the worker
 * @param <R> what it produces
 */
@FunctionalInterface
public interface Computation<W, R> {

    R compute(W work, Progress<R> progress) throws Exception;

    /**
     * Told after each batch; throws to stop the computation when the job was cancelled.
     *
     * @param <R> what the computation produces, and so what a partial result is
     */
    @FunctionalInterface
    interface Progress<R> {

        void report(int done, int total);

        /**
         * A result so far, after {@link #report}, for subscribers to show while the job runs; the
         * job keeps none of them. Only computations that refine their result publish these.
         */
        default void partial(R soFar) {}
    }
}
