package dev.scorecam.jobs;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/**
 * The job was refused because workers are running and none reads the payload version this node
 * writes: a rolling upgrade that reached the API before the workers. Nothing was queued.
 */
public class NoCompatibleWorkerException extends ProblemException {

    /** A worker that reads the version usually starts within a rollout step. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final String model;
    private final int version;

    /**
     * @param workersRead what each live worker advertised it reads, one entry per worker process
     *     (e.g. "versions 2 (app 1.3.0)")
     */
    public NoCompatibleWorkerException(String model, int version, List<String> workersRead) {
        super(ProblemType.NO_COMPATIBLE_WORKER, "no running worker of model '" + model
                + "' reads job payloads of version " + version + ", which this instance writes; the workers running "
                + "read " + workersRead.stream().collect(Collectors.joining("; ")) + ". The workers must be upgraded "
                + "first; retry in " + RETRY_AFTER.toSeconds() + " s");
        this.model = model;
        this.version = version;
    }

    public String model() {
        return model;
    }

    /** The payload version that no live worker reads. */
    public int version() {
        return version;
    }

    public Duration retryAfter() {
        return RETRY_AFTER;
    }
}
