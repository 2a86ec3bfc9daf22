package dev.scorecam.api;

import dev.scorecam.problem.ProblemException;

/** One image of a batch refused as a single request would be; the detail says which image. */
class ImageInBatchException extends ProblemException {

    ImageInBatchException(int index, String filename, ProblemException cause) {
        super(cause.problemType(), "image " + index + (filename.isEmpty() ? "" : " ('" + filename + "')") + ": "
                + cause.detail(), cause);
    }
}
