package dev.scorecam.api;

import dev.scorecam.jobs.JobStatus;
import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** A batch's results asked for while some of its jobs are still queued or running. */
class BatchNotFinishedException extends ProblemException {

    BatchNotFinishedException(String id, JobStatus status, int unfinished) {
        super(ProblemType.JOB_NOT_FINISHED, "batch " + id + " is " + status + " with " + unfinished
                + " jobs still to end; its results are ready when GET /v1/batches/" + id + " says every job has ended");
    }
}
