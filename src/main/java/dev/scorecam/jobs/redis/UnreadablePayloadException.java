package dev.scorecam.jobs.redis;

/**
 * A job's payload that this node cannot decode: written by a version it does not read, or
 * corrupt. The worker that took the job fails it with this message, which is written for the
 * client (what could not be read, never an exception's class).
 */
public class UnreadablePayloadException extends RuntimeException {

    public UnreadablePayloadException(String detail) {
        super(detail);
    }

    public UnreadablePayloadException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
