package dev.scorecam.model;

import java.nio.file.Path;

/** A model package that cannot be served; the message names the file and the problem. */
public class ModelPackageException extends RuntimeException {

    public ModelPackageException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelPackageException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
