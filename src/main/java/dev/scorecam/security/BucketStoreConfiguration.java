package dev.scorecam.security;

import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The limits' buckets: in this process, or in Redis with the Redis job backend
 * ({@code scorecam.queue.backend=redis}), through the job system's client
 * ({@code scorecamRedisClient}, made from {@code spring.data.redis.*}), so that one set of
 * settings (address, credentials, timeouts, ssl) holds for both.
 */
@Configuration(proxyBeanMethods = false)
class BucketStoreConfiguration {

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    BucketStore redisBuckets(@Qualifier("scorecamRedisClient") RedisClient scorecamRedisClient) {
        return new RedisBuckets(scorecamRedisClient);
    }

    @Bean
    @ConditionalOnExpression("'${scorecam.queue.backend:memory}' != 'redis'")
    BucketStore localBuckets() {
        return new LocalBuckets();
    }
}
