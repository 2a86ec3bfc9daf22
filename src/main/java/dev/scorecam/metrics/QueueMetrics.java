package dev.scorecam.metrics;

import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.QueueState;

/** Per model: {@code scorecam.queue.size} (jobs waiting) and {@code scorecam.pool.busy} (workers computing). */
@Component
class QueueMetrics implements MeterBinder {

    private final JobSystem<?, ?> jobs;

    QueueMetrics(JobSystem<?, ?> jobs) {
        this.jobs = jobs;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String model : jobs.models()) {
            gauge(registry, "scorecam.queue.size", "Jobs waiting for a worker", model, QueueState::waiting);
            gauge(registry, "scorecam.queue.capacity", "Jobs that may wait before new ones are refused with 503",
                    model, QueueState::capacity);
            gauge(registry, "scorecam.pool.busy", "Workers computing a job", model, QueueState::busy);
            gauge(registry, "scorecam.pool.workers", "Workers of the model, on all its devices", model,
                    QueueState::workers);
        }
    }

    /** Read from the job system at each scrape. */
    private void gauge(MeterRegistry registry, String name, String description, String model,
            ToIntFunction<QueueState> value) {
        Gauge.builder(name, jobs, system -> value.applyAsInt(system.queue(model)))
                .description(description)
                .tag("model", model)
                .register(registry);
    }
}
