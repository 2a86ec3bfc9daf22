package dev.scorecam.jobs;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/**
 * The store that holds the jobs (Redis, for a scaled-out deployment) cannot be reached: nothing
 * was queued or read. Jobs already accepted are still there when it returns.
 */
public class BackendUnavailableException extends ProblemException {

    public BackendUnavailableException(Throwable cause) {
        super(ProblemType.BACKEND_UNAVAILABLE,
                "the job queue cannot be reached; jobs already accepted are kept. Retry in a few seconds", cause);
    }

    private BackendUnavailableException(String detail) {
        super(ProblemType.BACKEND_UNAVAILABLE, detail);
    }

    /** The primary took the job but too few replicas confirmed it in time: it was withdrawn, not accepted. */
    public static BackendUnavailableException unconfirmed(java.time.Duration timeout) {
        return new BackendUnavailableException("no replica of the job queue confirmed the job within "
                + timeout.toMillis() + " ms, so it was not accepted; retry in a few seconds");
    }
}
