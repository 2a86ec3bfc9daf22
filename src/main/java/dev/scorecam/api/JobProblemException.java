package dev.scorecam.api;

import org.springframework.http.ProblemDetail;

/** A job request that ends in a ready-made problem (unknown job, not finished, failed). */
class JobProblemException extends RuntimeException {

    private final transient ProblemDetail problem;

    JobProblemException(ProblemDetail problem) {
        super(problem.getDetail());
        this.problem = problem;
    }

    ProblemDetail problem() {
        return problem;
    }
}
