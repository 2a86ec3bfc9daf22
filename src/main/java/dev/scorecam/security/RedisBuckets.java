package dev.scorecam.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;

import dev.scorecam.redis.LazyConnection;

/**
 * Buckets in Redis, one key each, updated by compare-and-swap: every pod that shares the Redis
 * shares the limits. A key expires once its bucket would have refilled, so idle clients cost
 * nothing. Uses its own connection of the given client, made when first needed and made anew
 * when it has broken: the job system's client does not reconnect by itself, and a pod must start
 * while Redis is down.
 */
final class RedisBuckets implements BucketStore {

    /** A bucket idle this long past refilling is full again anyway: let Redis drop it. */
    private static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(10);

    private final ProxyManager<byte[]> buckets;

    RedisBuckets(RedisClient redis) {
        this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new Connection<>(redis, ByteArrayCodec.INSTANCE))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build();
    }

    @Override
    public Bucket bucket(String key, Supplier<BucketConfiguration> configuration) {
        return buckets.builder().build((PREFIX + key).getBytes(StandardCharsets.UTF_8), configuration);
    }

    /**
     * The commands bucket4j sends, on a connection that is made again once it has closed. Generic
     * in the key, as bucket4j's own is: it passes the keys as an {@code Object[]}, which a
     * {@code byte[][]} parameter would not take.
     */
    private static final class Connection<K> implements RedisApi<K> {

        private final LazyConnection<K, byte[]> connection;

        Connection(RedisClient client, RedisCodec<K, byte[]> codec) {
            this.connection = LazyConnection.of(client, codec);
        }

        private RedisAsyncCommands<K, byte[]> commands() {
            return connection.async();
        }

        @Override
        public <V> RedisFuture<V> eval(String script, ScriptOutputType type, K[] keys, byte[][] args) {
            return commands().eval(script, type, keys, args);
        }

        @Override
        public RedisFuture<byte[]> get(K key) {
            return commands().get(key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public RedisFuture<?> delete(K key) {
            return commands().del(key);
        }
    }
}
