package dev.scorecam.jobs;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** The server is shutting down and takes no new jobs. */
public class ShuttingDownException extends ProblemException {

    public ShuttingDownException() {
        super(ProblemType.SHUTTING_DOWN, "the server is shutting down and takes no new jobs; retry on another instance");
    }
}
