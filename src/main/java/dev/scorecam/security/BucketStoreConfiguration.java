package dev.scorecam.security;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The limits' buckets: in this process, or in Redis with the Redis job backend
 * ({@code scorecam.queue.backend=redis}), at the Redis of {@code spring.data.redis.*}.
 */
@Configuration(proxyBeanMethods = false)
class BucketStoreConfiguration {

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    RedisClient limitsRedisClient(Environment environment) {
        return RedisClient.create(redisUri(environment));
    }

    @Bean
    @ConditionalOnProperty(name = "scorecam.queue.backend", havingValue = "redis")
    BucketStore redisBuckets(RedisClient limitsRedisClient) {
        return new RedisBuckets(limitsRedisClient);
    }

    @Bean
    @ConditionalOnExpression("'${scorecam.queue.backend:memory}' != 'redis'")
    BucketStore localBuckets() {
        return new LocalBuckets();
    }

    /** {@code spring.data.redis.url}, else host, port, password and database, as Spring Data Redis reads them. */
    static RedisURI redisUri(Environment environment) {
        String url = environment.getProperty("spring.data.redis.url");
        if (url != null && !url.isBlank()) {
            return RedisURI.create(url);
        }
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(environment.getProperty("spring.data.redis.host", "localhost"))
                .withPort(environment.getProperty("spring.data.redis.port", Integer.class, 6379))
                .withDatabase(environment.getProperty("spring.data.redis.database", Integer.class, 0));
        String password = environment.getProperty("spring.data.redis.password");
        if (password != null && !password.isEmpty()) {
            String user = environment.getProperty("spring.data.redis.username");
            if (user != null && !user.isEmpty()) {
                uri.withAuthentication(user, password.toCharArray());
            } else {
                uri.withPassword(password.toCharArray());
            }
        }
        return uri.build();
    }
}
