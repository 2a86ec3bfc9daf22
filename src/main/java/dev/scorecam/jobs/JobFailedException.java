package dev.scorecam.jobs;

/** A synchronous caller's job ended without a result: failed, cancelled or timed out. */
public class JobFailedException extends RuntimeException {

    private final JobError error;

    public JobFailedException(JobError error) {
        super(error.detail());
        this.error = error;
    }

    public JobError error() {
        return error;
    }
}
