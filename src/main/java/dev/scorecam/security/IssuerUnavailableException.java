package dev.scorecam.security;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/**
 * A bearer token could not be checked because the issuer's discovery document or signing keys
 * cannot be fetched: the service's dependency is away, not the client's token bad, so 503 (which
 * the client may retry) rather than 401 (which would tell it to get a new token) or a 500.
 */
public class IssuerUnavailableException extends ProblemException {

    public IssuerUnavailableException() {
        super(ProblemType.BACKEND_UNAVAILABLE,
                "the identity provider that issues this API's tokens cannot be reached to check the token; "
                        + "retry in a few seconds");
    }
}
