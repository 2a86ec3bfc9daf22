package dev.scorecam.security;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** Known client, but not allowed this. */
public class ForbiddenException extends ProblemException {

    public ForbiddenException(String detail) {
        super(ProblemType.FORBIDDEN, detail);
    }

    public static ForbiddenException missingScope(String scope) {
        return new ForbiddenException("the token does not grant the scope '" + scope + "' this API requires");
    }
}
