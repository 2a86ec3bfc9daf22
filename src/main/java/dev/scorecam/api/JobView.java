package dev.scorecam.api;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.ProblemDetail;

import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;

/**
 * An asynchronous job as a client sees it.
 *
 * @param position 1 for the next job of its model to run; only while QUEUED
 * @param progress masked inputs scored (one forward pass each) out of all; only while RUNNING, and
 *     only once known: a job that has just started has none until its first batch is scored
 * @param error why it ended without a result; only when FAILED or CANCELLED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobView(
        String id,
        String model,
        JobStatus status,
        Integer position,
        Progress progress,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        ProblemDetail error,
        Links links) {

    record Progress(int done, int total) {}

    record Links(String self, String result, String events) {

        static Links of(UUID id) {
            String self = "/v1/jobs/" + id;
            return new Links(self, self + "/result", self + "/events");
        }
    }

    static JobView of(JobSnapshot<?> job) {
        JobStatus status = job.status();
        return new JobView(
                job.id().toString(),
                job.model(),
                status,
                status == JobStatus.QUEUED && job.position() > 0 ? job.position() : null,
                status == JobStatus.RUNNING ? job.progress().map(p -> new Progress(p.done(), p.total())).orElse(null) : null,
                job.submittedAt(),
                job.startedAt().orElse(null),
                job.finishedAt().orElse(null),
                job.error().map(Problems::of).orElse(null),
                Links.of(job.id()));
    }
}
