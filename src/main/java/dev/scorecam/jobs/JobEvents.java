package dev.scorecam.jobs;

import java.util.UUID;

/**
 * What a subscriber hears of one job: progress reports (and partial results, where the
 * computation publishes them), then exactly one end. Calls to one
 * subscriber never overlap and nothing follows {@link #ended}. They may run on a worker's thread:
 * return quickly. A subscriber that throws is dropped (a client that has gone).
 *
 * @param <R> what a successful job produces
 */
public interface JobEvents<R> {

    /** After a batch, while the job runs. */
    default void progress(UUID job, JobProgress progress) {}

    /**
     * A result so far, when the computation publishes one (after the progress report of the same
     * batch); {@code progress} is how far the job was when it was published.
     */
    default void partial(UUID job, R soFar, JobProgress progress) {}

    /** Once, with the job's final state. */
    void ended(JobSnapshot<R> job);
}
