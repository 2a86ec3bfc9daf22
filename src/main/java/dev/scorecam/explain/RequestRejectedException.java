package dev.scorecam.explain;

import dev.scorecam.problem.ProblemException;

/** A request that cannot be served as asked; the detail tells the client what to change. */
public class RequestRejectedException extends ProblemException {

    private final Rejection rejection;

    RequestRejectedException(Rejection rejection, String detail) {
        super(rejection.problemType(), detail);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
