package dev.scorecam.explain;

import java.time.Clock;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.model.ModelPool;
import dev.scorecam.model.ModelRegistry;

/**
 * The job system in this process: one queue per served model, its workers computing on the
 * model's copies (one per device, {@code workers-per-device} each). {@link ExplanationJobs} shuts
 * it down.
 */
@Configuration(proxyBeanMethods = false)
class InMemoryJobsConfiguration {

    @Bean
    JobSystem<PreparedExplanation, Explanation> explanationJobSystem(ModelRegistry models, Explainer explainer,
            ScoreCamProperties properties, ObjectProvider<JobListener> listeners) {
        JobListener listener = listeners.getIfAvailable(() -> JobListener.NONE);
        Clock clock = Clock.systemUTC();
        List<JobQueue<PreparedExplanation, Explanation>> queues = models.pools().stream()
                .map(pool -> queue(pool, explainer, properties.queueCapacityFor(pool.name()), listener, clock))
                .toList();
        return new InMemoryJobSystem<>(queues,
                new JobStore<>(properties.jobs().ttl(), properties.jobs().maxStored(),
                        properties.jobs().maxStoredSize().toBytes(), Explanation::bytes, Ticker.systemTicker()),
                clock);
    }

    private static JobQueue<PreparedExplanation, Explanation> queue(
            ModelPool pool, Explainer explainer, int capacity, JobListener listener, Clock clock) {
        List<Computation<PreparedExplanation, Explanation>> slots = pool.slots().stream()
                .<Computation<PreparedExplanation, Explanation>>map(replica -> (prepared, progress) ->
                        explainer.compute(prepared.on(replica), progress::report, progress::partial))
                .toList();
        return new JobQueue<>(pool.name(), capacity, slots, listener, clock);
    }
}
