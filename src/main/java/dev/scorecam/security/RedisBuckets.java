package dev.scorecam.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;

/**
 * Buckets in Redis, one key each, updated by compare-and-swap: every pod that shares the Redis
 * shares the limits. A key expires once its bucket would have refilled, so idle clients cost
 * nothing. Uses its own connection of the given client.
 */
final class RedisBuckets implements BucketStore {

    /** A bucket idle this long past refilling is full again anyway: let Redis drop it. */
    private static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    private final ProxyManager<byte[]> buckets;

    RedisBuckets(RedisClient redis) {
        this.buckets = Bucket4jLettuce.casBasedBuilder(redis)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build();
    }

    @Override
    public Bucket bucket(String key, Supplier<BucketConfiguration> configuration) {
        return buckets.builder().build((PREFIX + key).getBytes(StandardCharsets.UTF_8), configuration);
    }
}
