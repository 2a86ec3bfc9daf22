package dev.scorecam.jobs;

/**
 * Why a job ended without a result: an engine failure ({@link JobStatus#FAILED}) or one of the
 * reasons a job is cancelled ({@link JobStatus#CANCELLED}).
 *
 * @param detail for the client: what happened, never an exception's class or message
 */
public record JobError(Kind kind, String detail) {

    public enum Kind {
        /** The engine threw while computing this job. */
        INFERENCE_FAILED,
        /** The client cancelled it. */
        CANCELLED,
        /** The synchronous caller stopped waiting. */
        TIMED_OUT,
        /** The server shut down before the job could finish. */
        SHUT_DOWN
    }

    public static JobError cancelledByClient() {
        return new JobError(Kind.CANCELLED, "the job was cancelled by a client");
    }
}
