package dev.scorecam.security;

import java.time.Duration;

import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The limits' buckets and job slots: in this process, or in Redis with the Redis job backend
 * ({@code scorecam.queue.backend=redis}), through the job system's client
 * ({@code scorecamRedisClient}, made from {@code spring.data.redis.*}), so that one set of
 * settings (address, Sentinel, credentials, timeouts, ssl) holds for both. A job slot in Redis is
 * a lease as long as {@code scorecam.redis.claim-after}: a dead pod's slots come back when its
 * jobs go to other workers.
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

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    JobSlots redisSlots(@Qualifier("scorecamRedisClient") RedisClient scorecamRedisClient, Environment environment) {
        Duration claimAfter = Binder.get(environment).bind("scorecam.redis.claim-after", Duration.class)
                .orElse(Duration.ofSeconds(30));
        return new RedisSlots(scorecamRedisClient, claimAfter);
    }

    @Bean
    @ConditionalOnExpression("'${scorecam.queue.backend:memory}' != 'redis'")
    JobSlots localSlots() {
        return new LocalSlots();
    }
}
