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
}
