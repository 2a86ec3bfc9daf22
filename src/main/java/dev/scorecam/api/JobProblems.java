package dev.scorecam.api;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.scorecam.jobs.JobError;

/** The problem details of the job system: why a job was refused or ended without a result. */
final class JobProblems {

    private JobProblems() {}

    static ProblemDetail of(JobError error) {
        return switch (error.kind()) {
            case INFERENCE_FAILED -> Problems.of(500, "inference-failed", "Inference failed", error.detail());
            case CANCELLED -> Problems.of(409, "job-cancelled", "Job cancelled", error.detail());
            case TIMED_OUT -> Problems.of(504, "timeout", "Request timed out", error.detail());
            case SHUT_DOWN -> Problems.of(503, "shutting-down", "Server shutting down", error.detail());
        };
    }

    static ResponseEntity<ProblemDetail> queueFull(String detail, Duration retryAfter) {
        return ResponseEntity.status(503)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())))
                .body(Problems.of(503, "queue-full", "Queue full", detail));
    }

    static ProblemDetail shuttingDown(String detail) {
        return Problems.of(503, "shutting-down", "Server shutting down", detail);
    }

    static ProblemDetail unknownJob(String id) {
        return Problems.of(404, "unknown-job", "Unknown job",
                "no job '" + id + "' is known: it never existed, or it finished longer ago than jobs are kept");
    }

    static ProblemDetail notFinished(String id, String status) {
        return Problems.of(409, "job-not-finished", "Job not finished",
                "job " + id + " is " + status + "; its result is ready when GET /v1/jobs/" + id + " says SUCCEEDED");
    }
}
