package dev.scorecam.queue;

import java.time.Clock;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.scorecam.config.ScaleOutProperties;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.model.ModelPool;
import dev.scorecam.model.ModelRegistry;

/**
 * The job system in this process ({@code scorecam.queue.backend=memory}, the default): one queue
 * per served model, its workers computing on the model's copies (one per device,
 * {@code workers-per-device} each). {@link ExplanationJobs} shuts it down.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "memory", matchIfMissing = true)
public class InMemoryJobsConfiguration {

    @Bean
    JobSystem<PreparedRequest, Explanation> explanationJobSystem(ModelRegistry models, Explainer explainer,
            ScoreCamProperties properties, ScaleOutProperties scaleOut, ObjectProvider<JobListener> listeners,
            JobTracing tracing) {
        if (scaleOut.role() != ScaleOutProperties.Role.ALL) {
            throw new IllegalStateException("scorecam.role=" + scaleOut.role().name().toLowerCase()
                    + " needs a queue shared with the other instances: set scorecam.queue.backend=redis");
        }
        JobListener listener = listeners.getIfAvailable(() -> JobListener.NONE);
        Clock clock = Clock.systemUTC();
        List<JobQueue<PreparedRequest, Explanation>> queues = models.pools().stream()
                .map(pool -> new JobQueue<>(pool.name(), properties.queueCapacityFor(pool.name()),
                        workers(pool, explainer, tracing), listener, clock))
                .toList();
        return new InMemoryJobSystem<>(queues,
                new JobStore<>(properties.jobs().ttl(), properties.jobs().maxStored(),
                        properties.jobs().maxStoredSize().toBytes(), Explanation::bytes, Ticker.systemTicker()),
                clock);
    }

    /** One computation per worker slot of the pool: devices x workers per device; traced by none. */
    public static List<Computation<PreparedRequest, Explanation>> workers(ModelPool pool, Explainer explainer) {
        return workers(pool, explainer, JobTracing.NONE);
    }

    /** One computation per worker slot of the pool, each job in a span of the trace that queued it. */
    static List<Computation<PreparedRequest, Explanation>> workers(ModelPool pool, Explainer explainer,
            JobTracing tracing) {
        return pool.slots().stream()
                .<Computation<PreparedRequest, Explanation>>map(replica -> (prepared, progress) ->
                        tracing.compute(prepared, progress::report,
                                traced -> explainer.compute(prepared.on(replica), traced, progress::partial)))
                .toList();
    }
}
