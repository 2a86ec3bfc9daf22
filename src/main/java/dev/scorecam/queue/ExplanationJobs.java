package dev.scorecam.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobSubscription;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.security.JobQuota;
import dev.scorecam.security.RateLimitedException;

/**
 * Explanations as jobs: what the API asks of the {@link JobSystem}, with this service's request
 * timeout and shutdown grace. Stops before the web server does, so that waiting requests get
 * their answer (or 503) while connections are still open.
 */
@Component
public class ExplanationJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExplanationJobs.class);

    private final JobSystem<PreparedRequest, Explanation> jobs;
    private final Duration requestTimeout;
    private final Duration shutdownGrace;
    private final JobQuota quota;
    private final JobTracing tracing;
    private volatile boolean running;

    public ExplanationJobs(JobSystem<PreparedRequest, Explanation> jobs, ScoreCamProperties properties,
            JobQuota quota) {
        this(jobs, properties, quota, JobTracing.NONE);
    }

    @Autowired
    public ExplanationJobs(JobSystem<PreparedRequest, Explanation> jobs, ScoreCamProperties properties,
            JobQuota quota, JobTracing tracing) {
        this.jobs = jobs;
        this.quota = quota;
        this.tracing = tracing;
        this.requestTimeout = properties.requestTimeout();
        this.shutdownGrace = properties.shutdownGrace();
    }

    /**
     * Queues the request and waits for it up to the request timeout; on timeout the job is
     * cancelled (it stops between batches).
     *
     * @param client whose job it is: it counts against that client's concurrent jobs while it runs
     * @throws RateLimitedException when the client has as many jobs as it may
     * @throws QueueFullException at once when the model's queue is full
     * @throws JobFailedException when the job failed, was cancelled or timed out
     */
    public Explanation explain(PreparedRequest prepared, String client) {
        String model = prepared.model().name();
        try (JobQuota.Permit permit = quota.acquire(client, model)) {
            return jobs.call(model, tracing.carry(prepared), requestTimeout, JobError.timedOut(requestTimeout));
        }
    }

    /**
     * Queues an asynchronous job, kept for lookup by id and owned by {@code client}; it counts
     * against the client's concurrent jobs until it ends.
     *
     * @throws RateLimitedException when the client has as many jobs as it may
     */
    public JobSnapshot<Explanation> submit(PreparedRequest prepared, String client) {
        String model = prepared.model().name();
        JobQuota.Permit permit = quota.acquire(client, model);
        JobSnapshot<Explanation> job;
        try {
            job = jobs.submit(model, client, tracing.carry(prepared));
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        if (permit == JobQuota.Permit.NONE) {
            return job; // no limit: nothing to give back when it ends
        }
        jobs.subscribe(job.id(), new JobEvents<>() {
            @Override
            public void ended(JobSnapshot<Explanation> end) {
                permit.close();
            }
        }).ifPresentOrElse(subscription -> {}, permit::close); // gone already: ended and expired
        return job;
    }

    public Optional<JobSnapshot<Explanation>> find(UUID id) {
        return jobs.find(id);
    }

    /** A client's cancel: the job just after it, still RUNNING when it stops at its next batch. */
    public Optional<JobSnapshot<Explanation>> cancel(UUID id) {
        return jobs.cancel(id, JobError.cancelledByClient());
    }

    public Optional<JobSubscription> subscribe(UUID id, JobEvents<Explanation> events) {
        return jobs.subscribe(id, events);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        // In memory, waiting jobs are cancelled; a shared (Redis) queue keeps them for other nodes.
        log.info("Shutting down the job queues: running jobs get {} s", shutdownGrace.toSeconds());
        jobs.shutdown(shutdownGrace);
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
