package dev.scorecam.jobs;

import java.time.Duration;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** The model's queue is full: the job was refused at once, nothing waits for space. */
public class QueueFullException extends ProblemException {

    private final String model;
    private final Duration retryAfter;

    public QueueFullException(String model, int capacity, Duration retryAfter) {
        super(ProblemType.QUEUE_FULL, "the queue of model '" + model + "' is full (" + capacity
                + " jobs waiting); retry in " + retryAfter.toSeconds() + " s");
        this.model = model;
        this.retryAfter = retryAfter;
    }

    public String model() {
        return model;
    }

    /** Estimated from the queue's length and the recent mean service time; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
