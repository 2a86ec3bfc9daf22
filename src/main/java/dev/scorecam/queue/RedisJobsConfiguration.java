package dev.scorecam.queue;

import java.time.Clock;
import java.util.List;

import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.scorecam.cluster.RedisClients;
import dev.scorecam.config.ScaleOutProperties;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.wire.ExplanationCodecs;

/**
 * The job system shared through Redis ({@code scorecam.queue.backend=redis}): every instance
 * queues and reads jobs there; those whose role computes ({@code all}, {@code worker}) run workers
 * for each served model, an {@code api} instance runs none. The connection is Spring Boot's
 * {@code spring.data.redis.*}, Sentinel and TLS included ({@link RedisClients}); Spring's own
 * Redis auto-configuration stays off (application.yml), so that an instance without Redis neither
 * connects nor reports it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
@EnableConfigurationProperties(DataRedisProperties.class)
class RedisJobsConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient scorecamRedisClient(DataRedisProperties redis, ObjectProvider<SslBundles> bundles) {
        return RedisClients.create(redis, bundles.getIfAvailable());
    }

    @Bean
    RedisJobSystem<PreparedRequest, Explanation> explanationJobSystem(RedisClient client, ModelRegistry models,
            Explainer explainer, ScoreCamProperties properties, ScaleOutProperties scaleOut,
            ObjectProvider<JobListener> listeners, ObjectProvider<BuildProperties> build, JobTracing tracing) {
        List<ModelQueue<PreparedRequest, Explanation>> queues = models.pools().stream()
                .map(pool -> new ModelQueue<>(pool.name(), properties.queueCapacityFor(pool.name()),
                        scaleOut.computes() ? InMemoryJobsConfiguration.workers(pool, explainer, tracing) : List.of()))
                .toList();
        ScaleOutProperties.Redis settings = scaleOut.redis();
        return new RedisJobSystem<>(client,
                new RedisJobSettings(settings.keyPrefix(), settings.claimAfter(), settings.maxDeliveries(),
                        properties.jobs().ttl(), settings.waitForReplicas(), settings.replicaTimeout()),
                queues, ExplanationCodecs.works(models), ExplanationCodecs.results(models),
                listeners.getIfAvailable(() -> JobListener.NONE), Clock.systemUTC(),
                build.getIfAvailable() == null ? "" : build.getIfAvailable().getVersion());
    }
}
