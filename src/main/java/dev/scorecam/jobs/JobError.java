package dev.scorecam.jobs;

import java.time.Duration;
import java.util.UUID;

import dev.scorecam.problem.ProblemType;

/**
 * Why a job ended without a result: an engine failure ({@link JobStatus#FAILED}) or one of the
 * reasons a job is cancelled ({@link JobStatus#CANCELLED}).
 *
 * @param detail for the client: what happened, never an exception's class or message
 */
public record JobError(Kind kind, String detail) {

    /** Each kind is one problem the client sees, when it asks for the job or its result. */
    public enum Kind {
        /** The engine threw while computing this job. */
        INFERENCE_FAILED(ProblemType.INFERENCE_FAILED),
        /** The client cancelled it. */
        CANCELLED(ProblemType.JOB_CANCELLED),
        /** The synchronous caller stopped waiting. */
        TIMED_OUT(ProblemType.TIMEOUT),
        /** The server shut down before the job could finish. */
        SHUT_DOWN(ProblemType.SHUTTING_DOWN),
        /** Every worker that took the job stopped while computing it (scorecam.redis.max-deliveries). */
        ABANDONED(ProblemType.JOB_ABANDONED),
        /** The worker that took the job could not read its payload (a newer version's, or corrupt). */
        UNREADABLE(ProblemType.JOB_UNREADABLE);

        private final ProblemType problemType;

        Kind(ProblemType problemType) {
            this.problemType = problemType;
        }

        public ProblemType problemType() {
            return problemType;
        }
    }

    public static JobError cancelledByClient() {
        return new JobError(Kind.CANCELLED, "the job was cancelled by a client");
    }

    /** @param job the job whose stack trace the server log has */
    public static JobError inferenceFailed(UUID job) {
        return new JobError(Kind.INFERENCE_FAILED,
                "the engine failed while computing this job; see the server log for job " + job);
    }

    /** @param deliveries how many workers took the job and stopped while computing it */
    public static JobError abandoned(int deliveries) {
        return new JobError(Kind.ABANDONED, "the job was taken by " + deliveries
                + " workers and each stopped while computing it (the job may crash them); it is not tried again");
    }

    /** @param detail what the worker could not read, for the client (no exception's text) */
    public static JobError unreadable(String detail) {
        return new JobError(Kind.UNREADABLE, detail);
    }

    /** @param timeout how long the synchronous caller waited */
    public static JobError timedOut(Duration timeout) {
        return new JobError(Kind.TIMED_OUT, "no result within the request timeout of " + timeout.toSeconds()
                + " s; the job was cancelled. POST /v1/jobs runs it without a time limit");
    }
}
