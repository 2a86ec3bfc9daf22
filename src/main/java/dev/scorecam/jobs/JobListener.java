package dev.scorecam.jobs;

import java.time.Duration;

/**
 * Where the queue tells what happens to jobs, for metrics (jobs counter by outcome, queue wait,
 * compute time). Called on the submitting or the worker thread: keep it fast and never throw.
 * Queue size and busy workers are read from {@link JobQueue#size()} and {@link JobQueue#busy()}.
 */
public interface JobListener {

    JobListener NONE = new JobListener() {};

    /** The queue of {@code model} was full (or shutting down) and a job was refused. */
    default void rejected(String model) {}

    default void queued(Job<?> job) {}

    /** A worker took the job, after it waited {@code waited} in the queue. */
    default void started(Job<?> job, Duration waited) {}

    /** The job reached a final state ({@link Job#status()}); {@code computed} is zero if it never ran. */
    default void finished(Job<?> job, Duration computed) {}
}
