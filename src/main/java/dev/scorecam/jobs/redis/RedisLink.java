package dev.scorecam.jobs.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import dev.scorecam.jobs.BackendUnavailableException;
import dev.scorecam.redis.LazyConnection;

/**
 * This node's connections to Redis: one shared for commands, one per worker for its blocking
 * reads, made when first needed so that a node starts while Redis is down. A connection that
 * breaks is not repaired in the background: its commands fail at once (nothing queues up in the
 * client) and the next use connects anew, so that a node is back as soon as Redis is, without
 * Lettuce's growing reconnect delays or a warning per attempt.
 */
final class RedisLink implements AutoCloseable {

    /** Keys are text; values are bytes (works and results are binary). */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private final LazyConnection<String, byte[]> shared;
    private final LazyConnection<String, byte[]> confirming;

    RedisLink(RedisClient client) {
        this.client = client;
        this.shared = LazyConnection.of(client, CODEC);
        this.confirming = LazyConnection.of(client, CODEC);
    }

    /**
     * A client as the job system needs it: commands fail fast while disconnected, and wait at most
     * {@code timeout} for an answer; connecting waits at most {@code connectTimeout} for the socket
     * and {@code timeout} for the handshake (the URI's own timeout, a minute by default, would hold
     * a caller that long on a link that accepts and then says nothing).
     *
     * @param uri where to connect; its timeout is set to {@code timeout}
     * @param ssl keys and trust for TLS, or null for the JVM's defaults
     */
    static RedisClient client(RedisURI uri, Duration timeout, Duration connectTimeout, SslOptions ssl) {
        uri.setTimeout(timeout); // on the URI itself: Lettuce's copy of a URI leaves its sentinels out
        RedisClient client = RedisClient.create(uri);
        ClientOptions.Builder options = ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout));
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options.build());
        return client;
    }

    RedisClient client() {
        return client;
    }

    RedisCommands<String, byte[]> commands() {
        return shared.sync();
    }

    /**
     * The connection for writes that replicas must confirm: {@code WAIT} holds the connection it
     * is sent on until they do, so it is not the shared one. Each caller's {@code WAIT} follows its
     * own write on this connection, so it covers that write.
     */
    RedisCommands<String, byte[]> confirming() {
        return confirming.sync();
    }

    /** A connection of its own, for a worker's blocking reads. */
    StatefulRedisConnection<String, byte[]> connect() {
        return client.connect(CODEC);
    }

    /** Runs a script by its digest, sending its text only when Redis does not know it (yet, or any more). */
    <T> T eval(String script, ScriptOutputType type, String key, Object... args) {
        return eval(commands(), script, type, key, args);
    }

    <T> T eval(RedisCommands<String, byte[]> commands, String script, ScriptOutputType type, String key,
            Object... args) {
        byte[][] values = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i] instanceof byte[] bytes ? bytes : String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
        }
        String[] keys = {key};
        try {
            return commands.evalsha(digests.computeIfAbsent(script, RedisLink::sha1), type, keys, values);
        } catch (RedisNoScriptException e) {
            return commands.eval(script, type, keys, values);
        }
    }

    /**
     * What a caller is told of a failed command: the backend is unavailable (not connected, timed
     * out, restarting), or, for a command Redis refused, a bug here.
     */
    static RuntimeException failure(RedisException e) {
        if (e instanceof RedisCommandExecutionException refused && !transientRefusal(refused.getMessage())) {
            return new IllegalStateException("Redis refused a command of the job system", e);
        }
        return new BackendUnavailableException(e);
    }

    /** Refusals of a Redis that is starting, failing over or full, not of the command. */
    static boolean transientRefusal(String message) {
        return message != null && (message.startsWith("LOADING") || message.startsWith("BUSY")
                || message.startsWith("MASTERDOWN") || message.startsWith("READONLY") || message.startsWith("NOGROUP")
                || message.startsWith("OOM"));
    }

    static String text(Object value) {
        return value == null ? null : new String((byte[]) value, StandardCharsets.UTF_8);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        shared.close();
        confirming.close();
    }
}
