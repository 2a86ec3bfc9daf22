package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Admission for every model: routes a job to its model's {@link JobQueue}, keeps jobs that clients
 * address by id in a {@link JobStore}, and shuts all queues down together. Plain Java: HTTP maps
 * {@link QueueFullException} to 503 and the rest; Spring only wires it.
 *
 * @param <W> what a job carries to the worker
 * @param <R> what a job produces
 */
public final class JobScheduler<W, R> {

    private final Map<String, JobQueue<W, R>> queues;
    private final JobStore<R> store;
    private final Clock clock;

    public JobScheduler(Collection<JobQueue<W, R>> queues, JobStore<R> store, Clock clock) {
        this.queues = queues.stream().collect(Collectors.toUnmodifiableMap(JobQueue::model, q -> q));
        this.store = store;
        this.clock = clock;
    }

    /**
     * Queues a job, or refuses it at once.
     *
     * @param tracked true to keep it in the store so that it can be looked up by id (asynchronous
     *     jobs); a synchronous caller holds its job itself
     * @throws QueueFullException when the model's queue is full
     * @throws ShuttingDownException once shutdown has begun
     * @throws IllegalArgumentException for a model without a queue
     */
    public Job<R> submit(String model, W work, boolean tracked) {
        Job<R> job = queue(model).submit(work);
        if (tracked) {
            store.add(job);
        }
        return job;
    }

    public Optional<Job<R>> find(UUID id) {
        return store.find(id);
    }

    /**
     * A queued job ends CANCELLED at once; a running one stops at its next batch and then ends
     * CANCELLED. False when it had already ended.
     */
    public boolean cancel(Job<R> job, JobError reason) {
        return queue(job.model()).cancel(job, reason);
    }

    /** 1 for the next job of its model to run; 0 once it is no longer waiting. */
    public int position(Job<R> job) {
        return queue(job.model()).position(job);
    }

    public Collection<JobQueue<W, R>> queues() {
        return queues.values();
    }

    /**
     * Refuses new jobs, cancels waiting ones, and gives running ones {@code grace} to finish;
     * when it returns, every job has ended.
     */
    public void shutdown(Duration grace) {
        Instant deadline = clock.instant().plus(grace);
        queues.values().parallelStream().forEach(queue -> queue.shutdown(deadline));
    }

    private JobQueue<W, R> queue(String model) {
        JobQueue<W, R> queue = queues.get(model);
        if (queue == null) {
            throw new IllegalArgumentException("no queue for model '" + model + "'");
        }
        return queue;
    }
}
