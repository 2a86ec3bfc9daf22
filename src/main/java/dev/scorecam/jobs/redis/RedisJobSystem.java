package dev.scorecam.jobs.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.sync.RedisCommands;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scorecam.jobs.BackendUnavailableException;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobSubscription;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.NoCompatibleWorkerException;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.QueueState;
import dev.scorecam.jobs.ShuttingDownException;
import dev.scorecam.jobs.Subscriber;

/**
 * The job system of a scaled-out deployment: jobs, queues and results in Redis, shared by every
 * node; one stream per model with a consumer group of workers (see {@link RedisKeys} for the
 * layout). A node may take requests, compute, or both: with no workers for a model it only queues
 * and reads. Delivery is at least once: a worker not heard of for claim-after leaves its job to
 * another, and a job's end is written once, by whoever owns it then. Plain Java like the in-memory
 * system; when Redis cannot be reached its operations throw
 * {@link dev.scorecam.jobs.BackendUnavailableException}.
 *
 * <p>Shutting down is this node's: it refuses new jobs, finishes its running ones within the grace
 * period and gives the rest back to the stream; jobs waiting in the cluster stay for other workers.
 */
public final class RedisJobSystem<W, R> implements JobSystem<W, R>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisJobSystem.class);
    private static final JobError INTERRUPTED = new JobError(JobError.Kind.SHUT_DOWN,
            "the server stopped waiting for this request; the job was cancelled");
    private static final JobError NOT_ACCEPTED = new JobError(JobError.Kind.CANCELLED,
            "the job was not confirmed as accepted; its submitter was told to retry");
    private static final Duration SWEEP = Duration.ofSeconds(1);

    private final RedisLink link;
    private final JobScripts scripts;
    private final RedisKeys keys;
    private final RedisJobSettings settings;
    private final Map<String, ModelQueue<W, R>> queues;
    private final Codec<W> works;
    private final Codec<R> results;
    private final JobListener listener;
    private final Clock clock;
    private final EventHub<R> hub;
    private final List<Worker<W, R>> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService heartbeat;
    private final PayloadReaders readers;
    /** What this process's workers advertise; null where it runs none, or its payloads have no version. */
    private final PayloadReaders.Reader reader;
    /** Results just read, so that a burst of reads of one finished job decodes it once. */
    private final Cache<UUID, R> recent = Caffeine.newBuilder().maximumSize(4)
            .expireAfterWrite(Duration.ofSeconds(30)).build();
    private volatile boolean accepting = true;
    private volatile boolean closed;

    /**
     * @param client made by {@link #client}; its owner shuts it down after {@link #close}
     * @param queues the models, each with this node's workers for it (none on a request-only node)
     */
    public RedisJobSystem(RedisClient client, RedisJobSettings settings, Collection<ModelQueue<W, R>> queues,
            Codec<W> works, Codec<R> results, JobListener listener, Clock clock) {
        this(client, settings, queues, works, results, listener, clock, "");
    }

    /**
     * @param appVersion this node's version, advertised beside the payload versions its workers
     *     read (blank when unknown)
     */
    public RedisJobSystem(RedisClient client, RedisJobSettings settings, Collection<ModelQueue<W, R>> queues,
            Codec<W> works, Codec<R> results, JobListener listener, Clock clock, String appVersion) {
        this.link = new RedisLink(client);
        this.scripts = new JobScripts(link, settings, clock);
        this.keys = scripts.keys();
        this.settings = settings;
        this.queues = queues.stream().collect(Collectors.toUnmodifiableMap(ModelQueue::model, q -> q));
        this.works = works;
        this.results = results;
        this.listener = listener;
        this.clock = clock;
        this.hub = new EventHub<>(link, keys.events(), id -> read(id, true), results::decode, SWEEP);
        this.readers = new PayloadReaders(link, keys, clock, settings.advertisementCache());
        String node = UUID.randomUUID().toString().substring(0, 8);
        for (ModelQueue<W, R> queue : queues) {
            for (int i = 0; i < queue.workers().size(); i++) {
                Worker<W, R> worker = new Worker<>(this, scripts, queue.model(), node + "-" + i,
                        queue.workers().get(i), settings.claimAfter());
                Thread thread = new Thread(worker, "scorecam-" + queue.model() + "-worker-" + i);
                thread.setDaemon(true);
                workers.add(worker);
                threads.add(thread);
            }
        }
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "scorecam-redis-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        this.reader = workers.isEmpty() || works.version() == Codec.UNVERSIONED ? null
                : new PayloadReaders.Reader(node, works.reads(), appVersion);
        if (!workers.isEmpty()) {
            long every = settings.heartbeat().toMillis();
            heartbeat.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
        }
        if (reader != null) {
            long every = settings.advertisement().dividedBy(3).toMillis();
            heartbeat.scheduleWithFixedDelay(this::advertise, 0, every, TimeUnit.MILLISECONDS);
        }
        threads.forEach(Thread::start);
    }

    /**
     * A client as the job system needs it: commands fail at once while Redis is away (a request
     * gets 503 instead of waiting) and wait at most {@code timeout} for an answer.
     */
    public static RedisClient client(RedisURI uri, Duration timeout) {
        return client(uri, timeout, timeout);
    }

    /** As {@link #client(RedisURI, Duration)}, connecting within {@code connectTimeout}. */
    public static RedisClient client(RedisURI uri, Duration timeout, Duration connectTimeout) {
        return RedisLink.client(uri, timeout, connectTimeout, null);
    }

    /** As {@link #client(RedisURI, Duration, Duration)}, with TLS keys and trust of its own ({@code ssl} may be null). */
    public static RedisClient client(RedisURI uri, Duration timeout, Duration connectTimeout, SslOptions ssl) {
        return RedisLink.client(uri, timeout, connectTimeout, ssl);
    }

    @Override
    public JobSnapshot<R> submit(String model, String owner, W work) {
        java.util.Objects.requireNonNull(owner, "owner");
        ModelQueue<W, R> queue = queueOf(model);
        if (!accepting) {
            listener.rejected(model);
            throw new ShuttingDownException();
        }
        if (works.version() != Codec.UNVERSIONED) {
            try {
                guard(() -> readers.check(model, works.version()));
            } catch (NoCompatibleWorkerException | BackendUnavailableException e) {
                listener.rejected(model);
                throw e;
            }
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        byte[] bytes = works.encode(work);
        long place;
        try {
            place = guard(() -> scripts.submit(id, model, owner, queue.capacity(), bytes, now));
        } catch (RuntimeException e) {
            listener.rejected(model);
            withdraw(id); // the script may have run with its answer lost on the way back
            throw e;
        }
        if (place == JobScripts.FULL) {
            listener.rejected(model);
            throw new QueueFullException(model, queue.capacity(), retryAfter(model));
        }
        if (place == JobScripts.UNCONFIRMED) {
            listener.rejected(model);
            withdraw(id);
            throw BackendUnavailableException.unconfirmed(settings.replicaTimeout());
        }
        JobSnapshot<R> queued = new JobSnapshot<>(id, model, owner, JobStatus.QUEUED, (int) place, Optional.empty(), now,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        listener.queued(queued);
        return queued;
    }

    /**
     * Cancels a job whose submitter was told it was not accepted, so that it does not run unseen
     * (its id was never given out). Best effort: where Redis cannot be reached now, a job the
     * script did queue runs once, for nobody.
     */
    private void withdraw(UUID id) {
        try {
            scripts.cancel(id, NOT_ACCEPTED);
        } catch (RuntimeException e) {
            log.debug("Job {} could not be withdrawn", id, e);
        }
    }

    /** The job is in Redis like any other (a worker elsewhere computes it); only its caller knows its id. */
    @Override
    public R call(String model, W work, Duration timeout, JobError onTimeout) {
        UUID id = submit(model, work).id();
        CompletableFuture<JobSnapshot<R>> end = hub.waitFor(id);
        try {
            read(id, true).filter(job -> job.status().isFinal()).ifPresent(end::complete);
            return outcome(end.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return stop(id, onTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stop(id, INTERRUPTED);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's end never fails", e);
        } finally {
            end.cancel(false);
        }
    }

    private static <R> R outcome(JobSnapshot<R> end) {
        return end.result().orElseThrow(() -> new JobFailedException(end.error().orElseThrow()));
    }

    /** Cancels a job whose caller stopped waiting; one that ended meanwhile keeps its outcome. */
    private R stop(UUID id, JobError reason) {
        try {
            cancel(id, reason);
            Optional<JobScripts.Read<R>> now = guard(() -> scripts.read(id, true, results::decode));
            if (now.isPresent() && now.get().snapshot().status().isFinal()) {
                return outcome(now.get().snapshot());
            }
            throw new JobFailedException(now.flatMap(JobScripts.Read::stopReason).orElse(reason));
        } catch (RuntimeException e) {
            if (e instanceof JobFailedException failed) {
                throw failed;
            }
            throw new JobFailedException(reason); // Redis went away too: the caller's time is up all the same
        }
    }

    @Override
    public Optional<JobSnapshot<R>> find(UUID id) {
        return read(id, true);
    }

    private Optional<JobSnapshot<R>> read(UUID id, boolean withResult) {
        R known = recent.getIfPresent(id);
        Optional<JobScripts.Read<R>> read = guard(() -> scripts.read(id, withResult && known == null, results::decode));
        return read.map(found -> {
            JobSnapshot<R> job = found.snapshot();
            if (job.result().isPresent()) {
                recent.put(id, job.result().get());
            } else if (job.status() == JobStatus.SUCCEEDED && known != null) {
                job = new JobSnapshot<>(job.id(), job.model(), job.owner(), job.status(), job.position(), job.progress(),
                        job.submittedAt(), job.startedAt(), job.finishedAt(), job.error(), Optional.of(known));
            }
            return job;
        });
    }

    @Override
    public Optional<JobSnapshot<R>> cancel(UUID id, JobError reason) {
        String answer = guard(() -> scripts.cancel(id, reason));
        if (answer.equals("unknown")) {
            return Optional.empty();
        }
        Optional<JobSnapshot<R>> now = read(id, true);
        if (answer.equals("cancelled")) {
            now.ifPresent(job -> listener.finished(job, Duration.ZERO)); // it never reached a worker
        }
        return now;
    }

    @Override
    public Optional<JobSnapshot<R>> await(UUID id, Duration timeout) throws InterruptedException {
        CompletableFuture<JobSnapshot<R>> end = hub.waitFor(id);
        try {
            Optional<JobSnapshot<R>> now = read(id, true);
            if (now.isEmpty() || now.get().status().isFinal()) {
                return now;
            }
            return Optional.of(end.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return read(id, true);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's end never fails", e);
        } finally {
            end.cancel(false);
        }
    }

    @Override
    public Optional<JobSubscription> subscribe(UUID id, JobEvents<R> events) {
        Subscriber<R> subscriber = hub.subscribe(id, events);
        Optional<JobSnapshot<R>> now;
        try {
            now = read(id, true);
        } catch (RuntimeException e) {
            subscriber.close();
            throw e;
        }
        if (now.isEmpty()) {
            subscriber.close();
            return Optional.empty();
        }
        if (now.get().status().isFinal()) {
            subscriber.ended(now.get());
        }
        return Optional.of(subscriber);
    }

    @Override
    public Set<String> models() {
        return queues.keySet();
    }

    /** Cluster-wide: jobs waiting and running for the model, and workers heard of within claim-after. */
    @Override
    public QueueState queue(String model) {
        ModelQueue<W, R> queue = queueOf(model);
        return guard(() -> {
            RedisCommands<String, byte[]> commands = link.commands();
            long now = clock.millis();
            commands.zremrangebyscore(keys.workers(model), Range.create(Double.NEGATIVE_INFINITY, (double) now));
            return new QueueState(model, commands.zcard(keys.waiting(model)).intValue(), queue.capacity(),
                    commands.scard(keys.running(model)).intValue(),
                    commands.zcount(keys.workers(model), Range.create((double) now, Double.POSITIVE_INFINITY)).intValue());
        });
    }

    /** Whether Redis answers now; for readiness. */
    public boolean reachable() {
        try {
            return "PONG".equals(link.commands().ping());
        } catch (RedisException e) {
            return false;
        }
    }

    /**
     * How long until a place is likely free: the jobs waiting times the mean compute time, shared
     * among the workers heard of, in whole seconds and never under one.
     */
    private Duration retryAfter(String model) {
        try {
            QueueState state = queue(model);
            byte[] mean = link.commands().hget(keys.stats(model), "mean");
            double nanos = mean == null ? 0 : Double.parseDouble(RedisLink.text(mean));
            double seconds = state.waiting() * nanos / Math.max(1, state.workers()) / 1e9;
            return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
        } catch (RuntimeException e) {
            return Duration.ofSeconds(1);
        }
    }

    /**
     * Takes no new jobs here and lets this node's running jobs finish until {@code grace} is up;
     * gives those still running back to the stream, for another worker to take (a job in a
     * computation that does not stop is abandoned here: its thread is interrupted). Jobs waiting
     * in the cluster stay for the other workers.
     */
    @Override
    public synchronized void shutdown(Duration grace) {
        if (!accepting) {
            return;
        }
        accepting = false;
        Instant deadline = clock.instant().plus(grace);
        workers.forEach(Worker::stop);
        join(deadline);
        for (Worker<W, R> worker : workers) {
            Worker.Running running = worker.current();
            if (running != null) {
                running.givenBack().set(true);
                try {
                    if (scripts.giveBack(running.id(), worker.consumer())) {
                        log.info("Job {} did not finish within the shutdown grace period; given back to the queue",
                                running.id());
                    }
                } catch (RedisException e) {
                    log.warn("Job {} could not be given back ({}); another worker takes it after {} s",
                            running.id(), e.getMessage(), settings.claimAfter().toSeconds());
                }
            }
        }
        join(clock.instant().plusSeconds(2));
        threads.forEach(Thread::interrupt);
        heartbeat.shutdownNow();
        try {
            if (reader != null) {
                readers.withdraw(queues.keySet(), reader);
            }
            for (Worker<W, R> worker : workers) {
                link.commands().zrem(keys.workers(worker.model()), JobScripts.utf8(worker.consumer()));
            }
        } catch (RedisException e) {
            // their registration runs out by itself after claim-after
        }
    }

    private void join(Instant deadline) {
        for (Thread thread : threads) {
            long millis = Duration.between(clock.instant(), deadline).toMillis();
            if (millis <= 0) {
                return;
            }
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops this node at once, as a crash would: no job is given back and no end written; its
     * running jobs are taken by other workers after claim-after. For tests and for a node that
     * must not touch the queue any more. Returns once the worker threads have stopped (a
     * computation at its next batch), so that the models can be closed after it.
     */
    public synchronized void halt() {
        accepting = false;
        heartbeat.shutdownNow();
        workers.forEach(Worker::halt);
        threads.forEach(Thread::interrupt);
        join(clock.instant().plusSeconds(10));
    }

    /** Shuts down at once if not done yet, and closes this node's connections. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
        if (closed) {
            return;
        }
        closed = true;
        hub.close();
        link.close();
    }

    boolean isClosed() {
        return closed;
    }

    /** The payload versions this process's workers read, for the nodes that queue jobs. */
    private void advertise() {
        try {
            readers.advertise(workers.stream().map(Worker::model).distinct().toList(), reader,
                    settings.advertisement());
        } catch (RuntimeException e) {
            log.debug("Advertising the payload versions read here failed", e);
        }
    }

    /**
     * What the live workers of the model read, as they advertise it (cached briefly): one line per
     * worker process, e.g. {@code versions 3, 2 (app 1.4.0)}; empty when none advertises.
     */
    public List<String> readers(String model) {
        queueOf(model);
        return guard(() -> readers.live(model)).stream().map(PayloadReaders.Reader::describe).toList();
    }

    /** The heartbeat: each worker is alive, and each running job still its worker's. */
    private void beat() {
        long until = clock.millis() + settings.claimAfter().toMillis();
        for (Worker<W, R> worker : workers) {
            try {
                link.commands().zadd(keys.workers(worker.model()), (double) until, JobScripts.utf8(worker.consumer()));
                Worker.Running running = worker.current();
                if (running != null) {
                    scripts.heartbeat(running.id(), worker.consumer());
                }
            } catch (RuntimeException e) {
                log.debug("Heartbeat of {} failed", worker, e);
            }
        }
    }

    // For the workers

    W work(UUID id) {
        byte[] bytes = link.commands().get("%s:work:%s".formatted(keys.prefix(), id));
        if (bytes == null) {
            throw new UnreadablePayloadException("the job's payload is no longer in the queue");
        }
        return works.decode(bytes);
    }

    byte[] encodeResult(R result) {
        return results.encode(result);
    }

    void started(UUID id) {
        try {
            read(id, false).ifPresent(job -> listener.started(job,
                    Duration.between(job.submittedAt(), job.startedAt().orElse(job.submittedAt()))));
        } catch (RuntimeException e) {
            log.debug("Job {} started; not told to metrics", id, e);
        }
    }

    /**
     * Tells the listener of a job's end, with the result this worker computed (not read back from
     * Redis: the listener, metrics, wants what the result says, e.g. its method, not its bytes).
     */
    void finished(UUID id, Duration computed, R result) {
        try {
            read(id, false).map(job -> result == null ? job : new JobSnapshot<>(job.id(), job.model(), job.owner(),
                    job.status(), job.position(), job.progress(), job.submittedAt(), job.startedAt(), job.finishedAt(),
                    job.error(), Optional.of(result)))
                    .ifPresent(job -> listener.finished(job, computed));
        } catch (RuntimeException e) {
            log.debug("Job {} finished; not told to metrics", id, e);
        }
    }

    private ModelQueue<W, R> queueOf(String model) {
        ModelQueue<W, R> queue = queues.get(model);
        if (queue == null) {
            throw new IllegalArgumentException("no queue for model '" + model + "'");
        }
        return queue;
    }

    private static <T> T guard(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw RedisLink.failure(e);
        }
    }
}
