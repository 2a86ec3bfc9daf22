package dev.scorecam.api;

import dev.scorecam.jobs.JobStatus;
import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** A job's result asked for while the job is still queued or running. */
class JobNotFinishedException extends ProblemException {

    JobNotFinishedException(String id, JobStatus status) {
        super(ProblemType.JOB_NOT_FINISHED,
                "job " + id + " is " + status + "; its result is ready when GET /v1/jobs/" + id + " says SUCCEEDED");
    }
}
