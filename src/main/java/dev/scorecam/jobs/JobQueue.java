package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's bounded FIFO queue and the workers that drain it, one thread per worker slot
 * (a device, or one of several workers on a device), in the in-memory job system. Submitting
 * never blocks: a full queue refuses the job at once. A worker that fails fails only its job and
 * takes the next.
 *
 * @param <W> what a job carries to the worker
 * @param <R> what a job produces
 */
public final class JobQueue<W, R> {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

    /** How often an idle worker looks whether the queue is shutting down. */
    private static final long IDLE_POLL_MILLIS = 100;
    /** Weight of the newest job in the mean service time. */
    private static final double SMOOTHING = 0.2;

    private final String model;
    private final int capacity;
    private final BlockingQueue<Entry<W, R>> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final List<Entry<W, R>> running = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final JobListener listener;
    private final Clock clock;
    private volatile boolean accepting = true;
    private volatile boolean stopping;
    private double meanServiceNanos;

    private record Entry<W, R>(Job<R> job, W work, long queuedAt) {}

    /**
     * @param slots one computation per worker thread; several may share one device
     */
    public JobQueue(String model, int capacity, List<? extends Computation<W, R>> slots, JobListener listener,
            Clock clock) {
        if (capacity < 1 || slots.isEmpty()) {
            throw new IllegalArgumentException("a queue needs a capacity and at least one worker");
        }
        this.model = model;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity, true);
        this.listener = listener;
        this.clock = clock;
        for (int i = 0; i < slots.size(); i++) {
            Computation<W, R> computation = slots.get(i);
            Thread worker = new Thread(() -> work(computation), "scorecam-" + model + "-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    public String model() {
        return model;
    }

    QueueState state() {
        return new QueueState(model, queue.size(), capacity, busy.get(), workers.size());
    }

    Job<R> submit(W work) {
        return submit(work, JobSnapshot.NO_OWNER);
    }

    /** Queues the job, or refuses it at once when the queue is full or shutting down. */
    Job<R> submit(W work, String owner) {
        if (!accepting) {
            listener.rejected(model);
            throw new ShuttingDownException();
        }
        Job<R> job = new Job<>(model, owner, clock);
        if (!queue.offer(new Entry<>(job, work, System.nanoTime()))) {
            listener.rejected(model);
            throw new QueueFullException(model, capacity, retryAfter());
        }
        listener.queued(job.snapshot(position(job)));
        return job;
    }

    /** 1 for the next job a worker takes; 0 when the job is not waiting. */
    int position(Job<R> job) {
        int position = 1;
        for (Entry<W, R> entry : queue) {
            if (entry.job() == job) {
                return position;
            }
            position++;
        }
        return 0;
    }

    /** Ends a queued job now, or asks a running one to stop at its next batch. */
    boolean cancel(Job<R> job, JobError reason) {
        if (!job.cancel(reason)) {
            return false;
        }
        queue.removeIf(entry -> entry.job() == job);
        if (job.status() == JobStatus.CANCELLED && job.startedAt().isEmpty()) {
            listener.finished(job.snapshot(0), Duration.ZERO); // it never reached a worker
        }
        return true;
    }

    /**
     * How long until a place is likely free: the jobs ahead times the recent mean service time,
     * shared among the workers, rounded up to whole seconds and never under one.
     */
    Duration retryAfter() {
        double nanos;
        synchronized (this) {
            nanos = meanServiceNanos;
        }
        double seconds = queue.size() * nanos / workers.size() / 1e9;
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }

    private void work(Computation<W, R> computation) {
        while (!(stopping && queue.isEmpty())) {
            Entry<W, R> entry;
            try {
                entry = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (entry != null) {
                run(entry, computation);
            }
        }
    }

    private void run(Entry<W, R> entry, Computation<W, R> computation) {
        Job<R> job = entry.job();
        if (!job.start()) {
            return; // cancelled while it waited; it was counted then
        }
        listener.started(job.snapshot(0), Duration.ofNanos(System.nanoTime() - entry.queuedAt()));
        synchronized (running) {
            running.add(entry);
        }
        busy.incrementAndGet();
        long start = System.nanoTime();
        try {
            job.succeed(computation.compute(entry.work(), job.reporter()));
        } catch (CancellationException e) {
            job.stopped();
        } catch (Throwable e) {
            // Only this job fails; the worker and its device keep serving.
            if (job.status().isFinal()) {
                log.debug("Job {} ended (shutdown) before its worker stopped", job.id(), e);
            } else {
                log.error("Job {} on model {} failed in the engine", job.id(), model, e);
            }
            job.fail(JobError.inferenceFailed(job.id()));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            long nanos = System.nanoTime() - start;
            busy.decrementAndGet();
            synchronized (running) {
                running.remove(entry);
            }
            if (job.status() == JobStatus.SUCCEEDED) {
                recordServiceTime(nanos);
            }
            listener.finished(job.snapshot(0), Duration.ofNanos(nanos));
        }
    }

    private synchronized void recordServiceTime(long nanos) {
        meanServiceNanos = meanServiceNanos == 0 ? nanos : SMOOTHING * nanos + (1 - SMOOTHING) * meanServiceNanos;
    }

    /**
     * Takes no more jobs, cancels those still waiting, lets the running ones finish until
     * {@code deadline}, then asks them to stop and, if a worker still does not stop, ends its job
     * CANCELLED anyway. No job is left RUNNING.
     */
    void shutdown(Instant deadline) {
        accepting = false;
        List<Entry<W, R>> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        for (Entry<W, R> entry : waiting) {
            if (entry.job().cancel(new JobError(JobError.Kind.SHUT_DOWN,
                    "the server shut down before this job started"))) {
                listener.finished(entry.job().snapshot(0), Duration.ZERO);
            }
        }
        stopping = true;
        join(deadline);
        List<Entry<W, R>> late;
        synchronized (running) {
            late = List.copyOf(running);
        }
        if (late.isEmpty()) {
            return;
        }
        JobError tooLate = new JobError(JobError.Kind.SHUT_DOWN,
                "the server shut down and this job did not finish within the shutdown grace period");
        late.forEach(entry -> entry.job().cancel(tooLate));
        join(clock.instant().plusSeconds(2));
        late.forEach(entry -> entry.job().abandon(tooLate));
        workers.forEach(Thread::interrupt);
    }

    private void join(Instant deadline) {
        for (Thread worker : workers) {
            long millis = Duration.between(clock.instant(), deadline).toMillis();
            if (millis <= 0) {
                return;
            }
            try {
                worker.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
