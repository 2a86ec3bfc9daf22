package dev.scorecam.metrics;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobSnapshot;

/**
 * What happens to jobs, as the job system reports it: {@code scorecam.jobs} by outcome,
 * {@code scorecam.queue.wait} and {@code scorecam.compute}. Tags come from fixed sets only:
 * served model names, the method, and the outcomes below.
 */
@Component
class JobMetrics implements JobListener {

    /** The tag of a job without a result: a job does not carry its method, and its result only on success. */
    static final String DEFAULT_METHOD = "scorecam";

    enum Outcome { SUCCEEDED, FAILED, REJECTED, CANCELLED, TIMEOUT }

    private final MeterRegistry registry;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void rejected(String model) {
        jobs(model, DEFAULT_METHOD, Outcome.REJECTED).increment();
    }

    @Override
    public void started(JobSnapshot<?> job, Duration waited) {
        Timer.builder("scorecam.queue.wait")
                .description("Time jobs wait in their model's queue before a worker takes them")
                .tag("model", job.model())
                .register(registry)
                .record(waited);
    }

    @Override
    public void finished(JobSnapshot<?> job, Duration computed) {
        String method = job.result()
                .filter(Explanation.class::isInstance)
                .map(result -> ((Explanation) result).request().choice().name())
                .orElse(DEFAULT_METHOD);
        jobs(job.model(), method, outcome(job)).increment();
        if (!computed.isZero()) {
            Timer.builder("scorecam.compute")
                    .description("Device time of a job: Score-CAM's forward passes and the maps")
                    .tag("model", job.model())
                    .tag("method", method)
                    .register(registry)
                    .record(computed);
        }
    }

    static Outcome outcome(JobSnapshot<?> job) {
        return switch (job.status()) {
            case SUCCEEDED -> Outcome.SUCCEEDED;
            case FAILED -> Outcome.FAILED;
            case CANCELLED -> job.error().map(JobError::kind).orElse(JobError.Kind.CANCELLED) == JobError.Kind.TIMED_OUT
                    ? Outcome.TIMEOUT : Outcome.CANCELLED;
            // finished() is only called in a final state; anything else would be a job system bug.
            case QUEUED, RUNNING -> Outcome.FAILED;
        };
    }

    private Counter jobs(String model, String method, Outcome outcome) {
        return Counter.builder("scorecam.jobs")
                .description("Explanation jobs by how they ended; rejected ones found their queue full")
                .tag("model", model)
                .tag("method", method)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }
}
