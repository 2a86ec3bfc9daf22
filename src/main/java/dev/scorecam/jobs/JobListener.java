package dev.scorecam.jobs;

import java.time.Duration;

/**
 * Where the job system tells what happens to jobs, for metrics (jobs counter by outcome, queue
 * wait, compute time). Called on the submitting or the worker thread: keep it fast and never throw.
 * Queue size and busy workers are read from {@link JobSystem#queue(String)}.
 */
public interface JobListener {

    JobListener NONE = new JobListener() {};

    /** The queue of {@code model} was full (or shutting down) and a job was refused. */
    default void rejected(String model) {}

    default void queued(JobSnapshot<?> job) {}

    /** A worker took the job, after it waited {@code waited} in the queue. */
    default void started(JobSnapshot<?> job, Duration waited) {}

    /** The job reached its final state; {@code computed} is zero if it never ran. */
    default void finished(JobSnapshot<?> job, Duration computed) {}
}
