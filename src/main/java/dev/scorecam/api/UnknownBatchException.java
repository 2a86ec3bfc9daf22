package dev.scorecam.api;

import dev.scorecam.problem.ProblemType;
import dev.scorecam.problem.ProblemException;

/** No batch by that id: as with a job, it never existed, expired, or is another client's. */
class UnknownBatchException extends ProblemException {

    UnknownBatchException(String id) {
        super(ProblemType.UNKNOWN_JOB,
                "no batch '" + id + "' is known: it never existed, or it was not read for longer than jobs are kept");
    }
}
