package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One explanation job and its state machine: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED,
 * or QUEUED -> CANCELLED. The first final state wins; later attempts are ignored, so a job ends
 * exactly once whoever (worker, client, timeout, shutdown) gets there first. Thread-safe.
 *
 * @param <R> the result of a successful job
 */
public final class Job<R> {

    private final UUID id = UUID.randomUUID();
    private final String model;
    private final Clock clock;
    private final Instant submittedAt;
    private final CompletableFuture<Job<R>> completion = new CompletableFuture<>();
    private final List<Consumer<Job<R>>> watchers = new CopyOnWriteArrayList<>();

    private JobStatus status = JobStatus.QUEUED;
    private Instant startedAt;
    private Instant finishedAt;
    private R result;
    private JobError error;
    /** Set while RUNNING when someone asked it to stop: the worker ends it at the next batch. */
    private JobError stopRequest;
    private volatile int done;
    private volatile int total;

    Job(String model, Clock clock) {
        this.model = model;
        this.clock = clock;
        this.submittedAt = clock.instant();
    }

    public UUID id() {
        return id;
    }

    public String model() {
        return model;
    }

    public synchronized JobStatus status() {
        return status;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public synchronized Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    public synchronized Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    /** Present once SUCCEEDED. */
    public synchronized Optional<R> result() {
        return Optional.ofNullable(result);
    }

    /** Present once FAILED or CANCELLED. */
    public synchronized Optional<JobError> error() {
        return Optional.ofNullable(error);
    }

    /** Masked inputs scored so far (one forward pass each), reported between batches. */
    public int done() {
        return done;
    }

    /** Masked inputs this job will score; 0 until the first batch is done. */
    public int total() {
        return total;
    }

    /** Completes (never exceptionally) when the job reaches a final state. */
    public CompletableFuture<Job<R>> completion() {
        return completion;
    }

    /**
     * Called after each progress report and once at the end; called at once if the job has
     * already ended. Must not block: it runs on the worker's thread.
     */
    public void watch(Consumer<Job<R>> watcher) {
        watchers.add(watcher);
        if (completion.isDone()) {
            watchers.remove(watcher);
            tell(watcher);
        }
    }

    public void unwatch(Consumer<Job<R>> watcher) {
        watchers.remove(watcher);
    }

    /** QUEUED -> RUNNING; false if it was cancelled while it waited. */
    synchronized boolean start() {
        if (status != JobStatus.QUEUED) {
            return false;
        }
        status = JobStatus.RUNNING;
        startedAt = clock.instant();
        return true;
    }

    /** The worker's progress callback: records progress, then stops the job if asked to. */
    void progress(int done, int total) {
        this.total = total;
        this.done = done;
        JobError stop;
        synchronized (this) {
            stop = stopRequest;
        }
        if (stop != null || completion.isDone()) {
            throw new CancellationException("job " + id + " was cancelled");
        }
        watchers.forEach(this::tell);
    }

    /** The worker finished the computation; a stop asked for meanwhile still wins. */
    void succeed(R value) {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            if (stopRequest != null) {
                end(JobStatus.CANCELLED, null, stopRequest);
            } else {
                end(JobStatus.SUCCEEDED, value, null);
            }
        }
        announceEnd();
    }

    /** The worker stopped because {@link #progress} told it to. */
    void stopped() {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            end(JobStatus.CANCELLED, null,
                    stopRequest != null ? stopRequest : JobError.cancelledByClient());
        }
        announceEnd();
    }

    void fail(JobError failure) {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            end(JobStatus.FAILED, null, failure);
        }
        announceEnd();
    }

    /**
     * A queued job ends CANCELLED now; a running one is asked to stop at its next batch.
     * Returns false if the job had already ended.
     */
    boolean cancel(JobError reason) {
        synchronized (this) {
            if (status.isFinal()) {
                return false;
            }
            if (status == JobStatus.RUNNING) {
                if (stopRequest == null) {
                    stopRequest = reason;
                }
                return true;
            }
            end(JobStatus.CANCELLED, null, reason);
        }
        announceEnd();
        return true;
    }

    /** Ends a job now whatever it is doing; for shutdown, when a worker does not stop in time. */
    void abandon(JobError reason) {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            end(JobStatus.CANCELLED, null, reason);
        }
        announceEnd();
    }

    private void end(JobStatus finalStatus, R value, JobError failure) {
        status = finalStatus;
        result = value;
        error = failure;
        finishedAt = clock.instant();
    }

    private void announceEnd() {
        completion.complete(this);
        for (Consumer<Job<R>> watcher : watchers) {
            watchers.remove(watcher);
            tell(watcher);
        }
    }

    /** A watcher's failure (a client gone from an event stream) is its own business, not the job's. */
    private void tell(Consumer<Job<R>> watcher) {
        try {
            watcher.accept(this);
        } catch (RuntimeException e) {
            watchers.remove(watcher);
        }
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + model + ", " + status() + "]";
    }
}
