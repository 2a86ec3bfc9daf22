package dev.scorecam.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scorecam.redis.LazyConnection;

/**
 * Answers in Redis, shared by every instance: each under {@code <prefix>:answer:<key>} with the
 * TTL, and at most {@code maxBytes} of them in all. The bound is kept by one script per write: an
 * index of the answers by the time they were written (a sorted set), their sizes (a hash) and
 * their total; answers past their TTL leave the books, then the oldest go until the total fits.
 * Redis being away costs a miss, never a failed request.
 */
final class RedisAnswers implements AnswerStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisAnswers.class);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** KEYS: index, sizes, total. ARGV: name, value, ttl ms, max bytes, answer key prefix. 1 when kept. */
    static final String PUT = """
            local size = string.len(ARGV[2])
            local ttl = tonumber(ARGV[3])
            local max = tonumber(ARGV[4])
            if size > max then return 0 end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local function forget(name)
              local kept = redis.call('HGET', KEYS[2], name)
              if kept then
                redis.call('DECRBY', KEYS[3], kept)
                redis.call('HDEL', KEYS[2], name)
              end
              redis.call('ZREM', KEYS[1], name)
            end
            for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl)) do forget(name) end
            forget(ARGV[1])
            redis.call('SET', ARGV[5] .. ARGV[1], ARGV[2], 'PX', ttl)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[1], size)
            local total = redis.call('INCRBY', KEYS[3], size)
            while total > max do
              local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
              redis.call('DEL', ARGV[5] .. oldest)
              forget(oldest)
              total = tonumber(redis.call('GET', KEYS[3]))
            end
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
            return 1
            """;

    private final String prefix;
    private final Duration ttl;
    private final long maxBytes;
    private final LazyConnection<String, byte[]> connection;
    private volatile boolean reportedDown;

    RedisAnswers(RedisClient client, String keyPrefix, long maxBytes, Duration ttl) {
        this.connection = LazyConnection.of(client, CODEC);
        this.prefix = keyPrefix + ":answer:";
        this.maxBytes = maxBytes;
        this.ttl = ttl;
    }

    @Override
    public Optional<Answer> get(String key) {
        try {
            byte[] value = commands().get(prefix + key);
            reportedDown = false;
            return Optional.ofNullable(value).map(Answer::decode);
        } catch (RuntimeException e) {
            unreachable(e);
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, Answer answer) {
        try {
            commands().eval(PUT, ScriptOutputType.INTEGER,
                    new String[] {prefix + "index", prefix + "sizes", prefix + "bytes"},
                    utf8(key), answer.encode(), utf8(Long.toString(ttl.toMillis())), utf8(Long.toString(maxBytes)),
                    utf8(prefix));
        } catch (RuntimeException e) {
            unreachable(e);
        }
    }

    private void unreachable(RuntimeException e) {
        if (!reportedDown) {
            log.warn("The answer cache in Redis cannot be reached now ({}); requests are computed", e.getMessage());
            reportedDown = true;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private RedisCommands<String, byte[]> commands() {
        return connection.sync();
    }

    @Override
    public void close() {
        connection.close();
    }
}
