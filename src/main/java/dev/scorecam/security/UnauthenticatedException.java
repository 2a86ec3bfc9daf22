package dev.scorecam.security;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** No credentials, or ones this server does not accept; never says which key was tried. */
public class UnauthenticatedException extends ProblemException {

    public UnauthenticatedException(String detail) {
        super(ProblemType.UNAUTHENTICATED, detail);
    }

    public static UnauthenticatedException missing() {
        return new UnauthenticatedException(
                "this API needs credentials: an API key (X-API-Key or Authorization: Bearer) or a bearer token");
    }

    public static UnauthenticatedException rejected() {
        return new UnauthenticatedException("the credentials sent were not accepted");
    }
}
