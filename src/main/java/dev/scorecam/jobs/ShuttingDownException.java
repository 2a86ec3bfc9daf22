package dev.scorecam.jobs;

/** The server is shutting down and takes no new jobs. */
public class ShuttingDownException extends RuntimeException {

    public ShuttingDownException() {
        super("the server is shutting down and takes no new jobs; retry on another instance");
    }
}
