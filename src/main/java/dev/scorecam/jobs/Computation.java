package dev.scorecam.jobs;

import dev.scorecam.cam.Progress;

/**
 * The device work for one job, as one worker slot runs it: the engine in production, a fake in
 * tests. Calls {@code progress} between batches; a {@link java.util.concurrent.CancellationException}
 * thrown from there must be let through, it is how a running job stops.
 *
 * @param <W> what a job carries to the worker (a prepared explanation)
 * @param <R> what it produces
 */
@FunctionalInterface
public interface Computation<W, R> {

    R compute(W work, Progress progress) throws Exception;
}
