package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Ticker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedExplanation;
import dev.scorecam.model.ModelPool;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * The job system as the application uses it: one {@link JobQueue} per served model, its workers
 * computing on the model's copies (one per device, {@code workers-per-device} each), and the
 * store of asynchronous jobs. Stops before the web server does, so that waiting requests get
 * their answer (or 503) while connections are still open.
 */
@Component
public class ExplanationJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExplanationJobs.class);

    private final JobScheduler<PreparedExplanation, Explanation> scheduler;
    private final Duration requestTimeout;
    private final Duration shutdownGrace;
    private volatile boolean running;

    public ExplanationJobs(ModelRegistry models, Explainer explainer, ScoreCamProperties properties,
            ObjectProvider<JobListener> listeners) {
        JobListener listener = listeners.getIfAvailable(() -> JobListener.NONE);
        Clock clock = Clock.systemUTC();
        List<JobQueue<PreparedExplanation, Explanation>> queues = models.pools().stream()
                .map(pool -> queue(pool, explainer, properties.queueCapacityFor(pool.name()), listener, clock))
                .toList();
        this.scheduler = new JobScheduler<>(queues,
                new JobStore<>(properties.jobs().ttl(), properties.jobs().maxStored(), Ticker.systemTicker()), clock);
        this.requestTimeout = properties.requestTimeout();
        this.shutdownGrace = properties.shutdownGrace();
    }

    private static JobQueue<PreparedExplanation, Explanation> queue(
            ModelPool pool, Explainer explainer, int capacity, JobListener listener, Clock clock) {
        List<Computation<PreparedExplanation, Explanation>> slots = pool.slots().stream()
                .<Computation<PreparedExplanation, Explanation>>map(
                        replica -> (prepared, progress) -> explainer.compute(on(replica, prepared), progress))
                .toList();
        return new JobQueue<>(pool.name(), capacity, slots, listener, clock);
    }

    /** The same prepared request on another device's copy of its model. */
    private static PreparedExplanation on(ServedModel replica, PreparedExplanation prepared) {
        return prepared.model() == replica ? prepared : new PreparedExplanation(replica, prepared.method(),
                prepared.targets(), prepared.score(), prepared.batchSize(), prepared.original(), prepared.input());
    }

    /**
     * Queues the request and waits for it up to the request timeout; on timeout the job is
     * cancelled (it stops between batches).
     *
     * @throws QueueFullException at once when the model's queue is full
     * @throws JobFailedException when the job failed, was cancelled or timed out
     */
    public Explanation explain(PreparedExplanation prepared) {
        Job<Explanation> job = scheduler.submit(prepared.model().name(), prepared, false);
        try {
            job.completion().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            scheduler.cancel(job, JobError.timedOut(requestTimeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.cancel(job, new JobError(JobError.Kind.CANCELLED, "the request was interrupted"));
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's completion never fails", e);
        }
        // A job that ended just as the timeout struck keeps its result.
        return job.result().orElseThrow(() -> new JobFailedException(job.error().orElseThrow(
                () -> new IllegalStateException("job " + job.id() + " is " + job.status() + " without an error"))));
    }

    /** Queues an asynchronous job, kept for lookup by id. */
    public Job<Explanation> submit(PreparedExplanation prepared) {
        return scheduler.submit(prepared.model().name(), prepared, true);
    }

    public Optional<Job<Explanation>> find(UUID id) {
        return scheduler.find(id);
    }

    public boolean cancel(Job<Explanation> job) {
        return scheduler.cancel(job, JobError.cancelledByClient());
    }

    public int position(Job<Explanation> job) {
        return scheduler.position(job);
    }

    /** Each model's queue, for gauges (size, busy workers). */
    public List<JobQueue<PreparedExplanation, Explanation>> queues() {
        return List.copyOf(scheduler.queues());
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        log.info("Shutting down the job queues: waiting jobs are cancelled, running ones get {} s",
                shutdownGrace.toSeconds());
        scheduler.shutdown(shutdownGrace);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first: before the web server's graceful shutdown, so waiting requests are answered. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
