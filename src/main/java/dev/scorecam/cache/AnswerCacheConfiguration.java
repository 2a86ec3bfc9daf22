package dev.scorecam.cache;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.scorecam.config.CacheProperties;
import dev.scorecam.config.ScaleOutProperties;

/**
 * The answer cache beside the job backend: in this process with the memory queue, in Redis
 * (through the job system's client, {@code spring.data.redis.*}) with the Redis queue, so that
 * every instance answers from what any of them computed.
 */
@Configuration(proxyBeanMethods = false)
class AnswerCacheConfiguration {

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    AnswerCache redisAnswerCache(RedisAnswers redisAnswers, CacheProperties cache, MeterRegistry registry) {
        return new AnswerCache(cache.enabled(), redisAnswers, registry);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    RedisAnswers redisAnswers(@Qualifier("scorecamRedisClient") RedisClient scorecamRedisClient,
            CacheProperties cache, ScaleOutProperties scaleOut) {
        return new RedisAnswers(scorecamRedisClient, scaleOut.redis().keyPrefix(), cache.maxSize().toBytes(),
                cache.ttl());
    }

    @Bean
    @ConditionalOnExpression("'${scorecam.queue.backend:memory}' != 'redis'")
    AnswerCache memoryAnswerCache(CacheProperties cache, MeterRegistry registry) {
        return new AnswerCache(cache.enabled(), new MemoryAnswers(cache.maxSize().toBytes(), cache.ttl()), registry);
    }
}
