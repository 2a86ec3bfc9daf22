package dev.scorecam.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

import dev.scorecam.jobs.ExplanationJobs;
import dev.scorecam.jobs.JobQueue;

/** Per model: {@code scorecam.queue.size} (jobs waiting) and {@code scorecam.pool.busy} (workers computing). */
@Component
class QueueMetrics implements MeterBinder {

    private final ExplanationJobs jobs;

    QueueMetrics(ExplanationJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (JobQueue<?, ?> queue : jobs.queues()) {
            Gauge.builder("scorecam.queue.size", queue, JobQueue::size)
                    .description("Jobs waiting for a worker")
                    .tag("model", queue.model())
                    .register(registry);
            Gauge.builder("scorecam.queue.capacity", queue, JobQueue::capacity)
                    .description("Jobs that may wait before new ones are refused with 503")
                    .tag("model", queue.model())
                    .register(registry);
            Gauge.builder("scorecam.pool.busy", queue, JobQueue::busy)
                    .description("Workers computing a job")
                    .tag("model", queue.model())
                    .register(registry);
            Gauge.builder("scorecam.pool.workers", queue, JobQueue::workers)
                    .description("Workers of the model, on all its devices")
                    .tag("model", queue.model())
                    .register(registry);
        }
    }
}
