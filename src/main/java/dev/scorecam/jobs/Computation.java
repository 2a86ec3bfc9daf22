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

    R compute(W work, Progress progress) throws Exception;

    /** Told after each batch; throws to stop the computation when the job was cancelled. */
    @FunctionalInterface
    interface Progress {

        void report(int done, int total);
    }
}
