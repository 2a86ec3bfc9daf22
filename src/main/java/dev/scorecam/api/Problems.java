package dev.scorecam.api;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import dev.scorecam.jobs.JobError;
import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** RFC 9457 problem details: type, title and status from the catalogue, the detail from the case. */
final class Problems {

    private Problems() {}

    static ProblemDetail of(ProblemType type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(type.status()), detail);
        problem.setType(type.type());
        problem.setTitle(type.title());
        return problem;
    }

    static ProblemDetail of(ProblemException e) {
        return of(e.problemType(), e.detail());
    }

    /** Why a job ended without a result, as its view and its result show it. */
    static ProblemDetail of(JobError error) {
        return of(error.kind().problemType(), error.detail());
    }
}
