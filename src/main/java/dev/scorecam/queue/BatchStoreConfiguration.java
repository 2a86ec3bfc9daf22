package dev.scorecam.queue;

import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.scorecam.config.ScaleOutProperties;
import dev.scorecam.config.ScoreCamProperties;

/** Batches are kept where the jobs are: in this process, or in Redis with the Redis backend. */
@Configuration(proxyBeanMethods = false)
class BatchStoreConfiguration {

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "memory", matchIfMissing = true)
    BatchStore inMemoryBatchStore(ScoreCamProperties properties) {
        return new InMemoryBatchStore(properties.jobs().ttl(), properties.jobs().maxStored());
    }

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    RedisBatchStore redisBatchStore(RedisClient client, ScoreCamProperties properties, ScaleOutProperties scaleOut) {
        return new RedisBatchStore(client, scaleOut.redis().keyPrefix(), properties.jobs().ttl());
    }
}
