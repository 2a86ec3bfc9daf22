package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The job system in this process: one {@link JobQueue} per model with its worker threads, and a
 * {@link JobStore} of the jobs clients address by id. Plain Java, like the rest of this package:
 * HTTP maps {@link QueueFullException} to 503 and the rest; Spring only wires it.
 *
 * @param <W> what a job carries to the worker
 * @param <R> what a job produces
 */
public final class InMemoryJobSystem<W, R> implements JobSystem<W, R> {

    /** A waiting caller's thread is interrupted when the server stops: 503 by design, never a 500. */
    private static final JobError INTERRUPTED = new JobError(JobError.Kind.SHUT_DOWN,
            "the server stopped waiting for this request; the job was cancelled");

    private final Map<String, JobQueue<W, R>> queues;
    private final JobStore<R> store;
    private final Clock clock;

    public InMemoryJobSystem(Collection<JobQueue<W, R>> queues, JobStore<R> store, Clock clock) {
        this.queues = queues.stream().collect(Collectors.toUnmodifiableMap(JobQueue::model, q -> q));
        this.store = store;
        this.clock = clock;
    }

    @Override
    public JobSnapshot<R> submit(String model, String owner, W work) {
        Job<R> job = queueOf(model).submit(work, owner);
        store.add(job);
        return snapshot(job);
    }

    /** The job stays out of the store: its caller holds it, and nobody else can ask for it. */
    @Override
    public R call(String model, W work, Duration timeout, JobError onTimeout) {
        Job<R> job = queueOf(model).submit(work);
        try {
            return outcome(job.completion().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return stop(job, onTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stop(job, INTERRUPTED);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's completion never fails", e);
        }
    }

    private static <R> R outcome(JobSnapshot<R> end) {
        return end.result().orElseThrow(() -> new JobFailedException(end.error().orElseThrow()));
    }

    /**
     * Cancels a job whose caller stopped waiting. One that ended meanwhile keeps its outcome; a
     * running one stops only at its next batch, so it has no error of its own yet: the caller is
     * answered with the reason it will end with.
     */
    private R stop(Job<R> job, JobError reason) {
        queueOf(job.model()).cancel(job, reason);
        JobSnapshot<R> now = job.snapshot(0);
        if (now.status().isFinal()) {
            return outcome(now);
        }
        throw new JobFailedException(job.stopReason().orElse(reason));
    }

    @Override
    public Optional<JobSnapshot<R>> find(UUID id) {
        return store.find(id).map(this::snapshot);
    }

    @Override
    public Optional<JobSnapshot<R>> cancel(UUID id, JobError reason) {
        return store.find(id).map(job -> {
            queueOf(job.model()).cancel(job, reason);
            return snapshot(job);
        });
    }

    @Override
    public Optional<JobSnapshot<R>> await(UUID id, Duration timeout) throws InterruptedException {
        Optional<Job<R>> found = store.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Job<R> job = found.get();
        try {
            return Optional.of(job.completion().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.of(snapshot(job));
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's completion never fails", e);
        }
    }

    @Override
    public Optional<JobSubscription> subscribe(UUID id, JobEvents<R> events) {
        return store.find(id).map(job -> job.subscribe(events));
    }

    @Override
    public Set<String> models() {
        return queues.keySet();
    }

    @Override
    public QueueState queue(String model) {
        return queueOf(model).state();
    }

    @Override
    public void shutdown(Duration grace) {
        Instant deadline = clock.instant().plus(grace);
        queues.values().parallelStream().forEach(queue -> queue.shutdown(deadline));
    }

    private JobSnapshot<R> snapshot(Job<R> job) {
        return job.snapshot(queueOf(job.model()).position(job));
    }

    private JobQueue<W, R> queueOf(String model) {
        JobQueue<W, R> queue = queues.get(model);
        if (queue == null) {
            throw new IllegalArgumentException("no queue for model '" + model + "'");
        }
        return queue;
    }
}
