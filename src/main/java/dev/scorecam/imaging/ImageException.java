package dev.scorecam.imaging;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/**
 * An upload that cannot become a model input. Messages are written for the client and never
 * name classes or plugins.
 */
public abstract sealed class ImageException extends ProblemException
        permits UnsupportedImageException, InvalidImageException, ImageTooLargeException {

    ImageException(ProblemType problemType, String message, Throwable cause) {
        super(problemType, message, cause);
    }
}
