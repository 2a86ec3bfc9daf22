package dev.scorecam.api;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** A {@code /problems/<slug>} that names no problem type of the catalogue. */
class UnknownProblemTypeException extends ProblemException {

    UnknownProblemTypeException(String slug) {
        super(ProblemType.NOT_FOUND, "no problem type '" + slug + "' is known; each problem's type names its own page");
    }
}
