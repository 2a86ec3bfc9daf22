package dev.scorecam.jobs;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The job system: bounded per-model queues in front of workers, jobs addressed by id, their
 * progress and end as events. Callers see immutable {@link JobSnapshot}s, never a live job, so
 * that the jobs may live elsewhere (another process, Redis) as well as in this one
 * ({@link InMemoryJobSystem}). Every implementation passes the same contract tests.
 *
 * <p>A job ends exactly once: SUCCEEDED with a result, FAILED or CANCELLED with a {@link JobError}.
 * Cancelling a queued job ends it at once; a running one is asked to stop and ends CANCELLED at its
 * next progress report (between batches).
 *
 * @param <W> what a job carries to its worker
 * @param <R> what a successful job produces
 */
public interface JobSystem<W, R> {

    /**
     * Queues a job that clients follow by id; it stays findable, with its result, for a while
     * after it ends.
     *
     * @throws QueueFullException at once when the model's queue is full; nothing waits for space
     * @throws ShuttingDownException once shutdown has begun
     * @throws IllegalArgumentException for a model without a queue
     */
    default JobSnapshot<R> submit(String model, W work) {
        return submit(model, JobSnapshot.NO_OWNER, work);
    }

    /**
     * Queues a job as {@link #submit(String, Object)} does, on behalf of {@code owner}: the
     * snapshots carry it, so that the API can show the job to its owner only.
     */
    JobSnapshot<R> submit(String model, String owner, W work);

    /**
     * Queues a job and waits up to {@code timeout} for its result, for a caller that holds a
     * connection open. The job cannot be looked up by id. When it has not ended in time it is
     * cancelled with {@code onTimeout} (a running job stops at its next batch, in the background)
     * and this throws at once with that error; a job that ended just as the time ran out keeps
     * its outcome. An interrupted caller cancels its job the same way.
     *
     * @throws JobFailedException when the job failed, was cancelled or ran out of time
     * @throws QueueFullException at once when the model's queue is full
     * @throws ShuttingDownException once shutdown has begun
     */
    R call(String model, W work, Duration timeout, JobError onTimeout);

    /** The job now; empty when it never existed or ended longer ago than jobs are kept. */
    Optional<JobSnapshot<R>> find(UUID id);

    /**
     * Ends a queued job now, or asks a running one to stop at its next batch (it is still RUNNING
     * in the answer). A job that has ended is left as it was.
     *
     * @return the job just after the request; empty when unknown
     */
    Optional<JobSnapshot<R>> cancel(UUID id, JobError reason);

    /**
     * Waits up to {@code timeout} for the job to end.
     *
     * @return the job once ended, or as it is when the time is up; empty when unknown
     */
    Optional<JobSnapshot<R>> await(UUID id, Duration timeout) throws InterruptedException;

    /**
     * Follows a job: {@link JobEvents#progress} after each batch, then exactly one
     * {@link JobEvents#ended}, told at once (on the calling thread) when the job has already ended.
     *
     * @return the subscription, to close when no longer interested; empty when the job is unknown
     */
    Optional<JobSubscription> subscribe(UUID id, JobEvents<R> events);

    /** The models that have a queue. */
    Set<String> models();

    /**
     * The queue of one model now, for gauges.
     *
     * @throws IllegalArgumentException for a model without a queue
     */
    QueueState queue(String model);

    /**
     * Refuses new jobs, cancels waiting ones, and gives running ones {@code grace} to finish;
     * when it returns, every job of this system has ended. A system whose queue other processes
     * share (Redis) shuts down only this process's part: waiting jobs stay for the others, and a
     * running job that does not finish in time goes back to the queue.
     */
    void shutdown(Duration grace);
}
