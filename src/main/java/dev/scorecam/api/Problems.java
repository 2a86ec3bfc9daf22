package dev.scorecam.api;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details with a stable {@code type} per kind of problem. */
final class Problems {

    private Problems() {}

    static URI type(String slug) {
        return URI.create("/problems/" + slug);
    }

    static ProblemDetail of(int status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }
}
