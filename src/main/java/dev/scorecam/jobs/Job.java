package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One job of the in-memory job system and its state machine: QUEUED -> RUNNING -> SUCCEEDED |
 * FAILED | CANCELLED, or QUEUED -> CANCELLED. The first final state wins; later attempts are
 * ignored, so a job ends exactly once whoever (worker, client, timeout, shutdown) gets there first.
 * Thread-safe. Leaves this package only as {@link JobSnapshot}s.
 *
 * @param <R> the result of a successful job
 */
final class Job<R> {

    private final UUID id = UUID.randomUUID();
    private final String model;
    private final String owner;
    private final Clock clock;
    private final Instant submittedAt;
    private final CompletableFuture<JobSnapshot<R>> completion = new CompletableFuture<>();
    private final List<Subscriber<R>> subscribers = new CopyOnWriteArrayList<>();

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
        this(model, JobSnapshot.NO_OWNER, clock);
    }

    Job(String model, String owner, Clock clock) {
        this.model = model;
        this.owner = owner;
        this.clock = clock;
        this.submittedAt = clock.instant();
    }

    UUID id() {
        return id;
    }

    String model() {
        return model;
    }

    synchronized JobStatus status() {
        return status;
    }

    synchronized Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /** Present once SUCCEEDED. */
    synchronized Optional<R> result() {
        return Optional.ofNullable(result);
    }

    /** Present once FAILED or CANCELLED. */
    synchronized Optional<JobError> error() {
        return Optional.ofNullable(error);
    }

    /** Why it will end: its error once ended, or the reason it was asked to stop. */
    synchronized Optional<JobError> stopReason() {
        return Optional.ofNullable(error != null ? error : stopRequest);
    }

    /** Work done so far, reported between batches. */
    int done() {
        return done;
    }

    /** Completes (never exceptionally) with the final state when the job ends. */
    CompletableFuture<JobSnapshot<R>> completion() {
        return completion;
    }

    /** @param position in the queue, as the queue counts it; ignored unless QUEUED */
    synchronized JobSnapshot<R> snapshot(int position) {
        int total = this.total;
        return new JobSnapshot<>(id, model, owner, status,
                status == JobStatus.QUEUED ? position : 0,
                total > 0 ? Optional.of(new JobProgress(done, total)) : Optional.empty(),
                submittedAt,
                Optional.ofNullable(startedAt),
                Optional.ofNullable(finishedAt),
                Optional.ofNullable(error),
                Optional.ofNullable(result));
    }

    /** Progress events, then exactly one end; the end at once if the job has already ended. */
    JobSubscription subscribe(JobEvents<R> events) {
        Subscriber<R> subscriber = new Subscriber<>(id, events, subscribers::remove);
        subscribers.add(subscriber);
        // After the add: either the end is announced to the list that holds it, or it is seen
        // done here; the subscriber's own flag keeps the two from both telling it.
        JobSnapshot<R> last = completion.getNow(null);
        if (last != null) {
            subscriber.ended(last);
        }
        return subscriber;
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

    /** The worker's progress report: records it, then stops the job if asked to. */
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
        JobProgress progress = new JobProgress(done, total);
        subscribers.forEach(subscriber -> subscriber.progress(progress));
    }

    /** A partial result from the worker, told to subscribers with the progress it came after; not kept. */
    void partial(R soFar) {
        if (completion.isDone()) {
            return;
        }
        JobProgress progress = new JobProgress(done, total);
        subscribers.forEach(subscriber -> subscriber.partial(soFar, progress));
    }

    /** What the worker reports to: progress (which stops a cancelled job) and partial results. */
    Computation.Progress<R> reporter() {
        return new Computation.Progress<>() {
            @Override
            public void report(int done, int total) {
                progress(done, total);
            }

            @Override
            public void partial(R soFar) {
                Job.this.partial(soFar);
            }
        };
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
            end(JobStatus.CANCELLED, null, stopRequest != null ? stopRequest : JobError.cancelledByClient());
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

    /** Called once, by whoever ended the job, outside the job's lock. */
    private void announceEnd() {
        JobSnapshot<R> last = snapshot(0);
        completion.complete(last);
        subscribers.forEach(subscriber -> subscriber.ended(last));
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + model + ", " + status() + "]";
    }
}
