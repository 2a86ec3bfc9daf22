package dev.scorecam.redis;

import java.util.function.Supplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;

/**
 * A connection made when first needed, and made anew once it has broken. The service's clients run
 * without Lettuce's automatic reconnect, so that commands fail fast while Redis is away; Lettuce then
 * closes a broken connection, and the next command here opens another one.
 */
public final class LazyConnection<K, V> implements AutoCloseable {

    private final Supplier<StatefulRedisConnection<K, V>> opener;
    private StatefulRedisConnection<K, V> connection;

    public LazyConnection(Supplier<StatefulRedisConnection<K, V>> opener) {
        this.opener = opener;
    }

    public static LazyConnection<String, String> of(RedisClient client) {
        return new LazyConnection<>(client::connect);
    }

    public static <K, V> LazyConnection<K, V> of(RedisClient client, RedisCodec<K, V> codec) {
        return new LazyConnection<>(() -> client.connect(codec));
    }

    public synchronized RedisCommands<K, V> sync() {
        return open().sync();
    }

    public synchronized RedisAsyncCommands<K, V> async() {
        return open().async();
    }

    private StatefulRedisConnection<K, V> open() {
        if (connection == null || !connection.isOpen()) {
            connection = opener.get();
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
