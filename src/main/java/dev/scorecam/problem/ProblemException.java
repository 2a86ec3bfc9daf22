package dev.scorecam.problem;

/**
 * A failure the client is told about as a problem of a known {@link ProblemType}. Domain code
 * names the kind of problem, never an HTTP status; the web layer maps the family in one place.
 * The message is the problem's {@code detail}: written for the client, it never names classes.
 */
public abstract class ProblemException extends RuntimeException {

    private final ProblemType problemType;

    protected ProblemException(ProblemType problemType, String detail) {
        this(problemType, detail, null);
    }

    protected ProblemException(ProblemType problemType, String detail, Throwable cause) {
        super(detail, cause);
        if (problemType == null) {
            throw new IllegalArgumentException("a problem needs its type");
        }
        this.problemType = problemType;
    }

    public final ProblemType problemType() {
        return problemType;
    }

    /** What happened and what to change, for the client. */
    public final String detail() {
        return getMessage();
    }
}
