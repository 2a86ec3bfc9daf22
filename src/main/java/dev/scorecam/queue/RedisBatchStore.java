package dev.scorecam.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.jobs.BackendUnavailableException;
import dev.scorecam.redis.LazyConnection;

/**
 * Batches in Redis, one JSON string per batch under {@code <prefix>:batch:<id>} with the jobs'
 * time to live, so that every API instance finds a batch that another one took.
 */
final class RedisBatchStore implements BatchStore, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String prefix;
    private final Duration ttl;
    private final LazyConnection<String, String> connection;

    RedisBatchStore(RedisClient client, String keyPrefix, Duration ttl) {
        this.connection = LazyConnection.of(client);
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

    private RedisCommands<String, String> commands() {
        return connection.sync();
    }

    @Override
    public void close() {
        connection.close();
    }
}
