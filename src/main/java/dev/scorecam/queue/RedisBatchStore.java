package dev.scorecam.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.jobs.BackendUnavailableException;

/**
 * Batches in Redis, one JSON string per batch under {@code <prefix>:batch:<id>} with the jobs'
 * time to live, so that every API instance finds a batch that another one took.
 */
final class RedisBatchStore implements BatchStore, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedisClient client;
    private final String prefix;
    private final Duration ttl;
    private StatefulRedisConnection<String, String> connection;

    RedisBatchStore(RedisClient client, String keyPrefix, Duration ttl) {
        this.client = client;
        this.prefix = keyPrefix + ":batch:";
        this.ttl = ttl;
    }

    @Override
    public void save(Batch batch) {
        String value = JSON.writeValueAsString(batch);
        try {
            commands().psetex(prefix + batch.id(), ttl.toMillis(), value);
        } catch (RedisException e) {
            throw new BackendUnavailableException(e);
        }
    }

    @Override
    public Optional<Batch> find(UUID id) {
        String value;
        try {
            value = commands().getex(prefix + id, GetExArgs.Builder.px(ttl.toMillis()));
        } catch (RedisException e) {
            throw new BackendUnavailableException(e);
        }
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(value, Batch.class));
        } catch (JacksonException e) {
            throw new IllegalStateException("batch " + id + " in Redis is not a batch this version reads", e);
        }
    }

    /** A connection made when first needed, and anew after it broke (the client does not reconnect). */
    private synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            connection = client.connect();
        }
        return connection.sync();
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
