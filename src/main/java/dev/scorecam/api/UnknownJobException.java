package dev.scorecam.api;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** No job by that id: it never existed, or it ended longer ago than jobs are kept. */
class UnknownJobException extends ProblemException {

    UnknownJobException(String id) {
        super(ProblemType.UNKNOWN_JOB,
                "no job '" + id + "' is known: it never existed, or it finished longer ago than jobs are kept");
    }
}
