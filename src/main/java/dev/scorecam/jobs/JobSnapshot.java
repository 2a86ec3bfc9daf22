package dev.scorecam.jobs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A job as it was at one moment; never changes. What the job system hands out instead of the job.
 *
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
        JobStatus status,
        int position,
        Optional<JobProgress> progress,
        Instant submittedAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Optional<JobError> error,
        Optional<R> result) {

    public JobSnapshot {
        Objects.requireNonNull(id);
        Objects.requireNonNull(model);
        Objects.requireNonNull(status);
        Objects.requireNonNull(progress);
        Objects.requireNonNull(submittedAt);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(finishedAt);
        Objects.requireNonNull(error);
        Objects.requireNonNull(result);
    }
}
