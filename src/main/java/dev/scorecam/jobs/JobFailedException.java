package dev.scorecam.jobs;

import dev.scorecam.problem.ProblemException;

/** A synchronous caller's job ended without a result: failed, cancelled or timed out. */
public class JobFailedException extends ProblemException {

    private final JobError error;

    public JobFailedException(JobError error) {
        super(error.kind().problemType(), error.detail());
        this.error = error;
    }

    public JobError error() {
        return error;
    }
}
