package dev.scorecam.jobs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as it was at one moment; never changes. What the job system hands out instead of the job.
 *
 * @param owner the client that submitted it ({@link #NO_OWNER} for a job nobody looks up by id);
 *     only that client may see it
 * @param position 1 for the next job of its model to run; 0 when it is not waiting
 * @param progress work done out of the total, once the computation has reported it (a running job
 *     that has not finished its first batch has none yet)
 * @param startedAt when a worker took it
 * @param finishedAt when it ended
 * @param error why it ended without a result: present once FAILED or CANCELLED
 * @param result present once SUCCEEDED
 * @param <R> what a successful job produces
 */
public record JobSnapshot<R>(
        UUID id,
        String model,
        String owner,
        JobStatus status,
        int position,
        Optional<JobProgress> progress,
        Instant submittedAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Optional<JobError> error,
        Optional<R> result) {

    /** The owner of jobs submitted without one. */
    public static final String NO_OWNER = "";

    public JobSnapshot {
        Objects.requireNonNull(id);
        Objects.requireNonNull(model);
        Objects.requireNonNull(owner);
        Objects.requireNonNull(status);
        Objects.requireNonNull(progress);
        Objects.requireNonNull(submittedAt);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(finishedAt);
        Objects.requireNonNull(error);
        Objects.requireNonNull(result);
    }
}
