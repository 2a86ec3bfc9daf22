package dev.scorecam.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.TimeoutOptions;

import org.junit.jupiter.api.Test;

import dev.scorecam.jobs.redis.RedisServer;

/** A connection opened on first use, and opened again after Redis went away and came back. */
class LazyConnectionTest {

    @Test
    void itConnectsOnFirstUseAndAgainAfterRedisCameBack() throws Exception {
        RedisServer redis = RedisServer.ownProcess(false);
        RedisClient client = RedisClient.create(redis.uri());
        client.setOptions(ClientOptions.builder().autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
        AtomicInteger opened = new AtomicInteger();
        try (LazyConnection<String, String> connection = new LazyConnection<>(() -> {
            opened.incrementAndGet();
            return client.connect();
        })) {
            assertThat(opened).as("nothing is opened before the first command").hasValue(0);
            connection.sync().set("k", "1");
            assertThat(connection.sync().get("k")).isEqualTo("1");
            assertThat(opened).as("one connection serves every command while it stays open").hasValue(1);

            redis.stop();
            assertThatThrownBy(() -> connection.sync().get("k")).isInstanceOf(RedisException.class);
            int openedWhileDown = opened.get(); // 1, or 2 where the close was seen first and connecting failed
            redis.start();

            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(opened).as("one new connection serves the commands once Redis is back").hasValue(openedWhileDown + 1);
        } finally {
            client.shutdown();
            redis.stop();
        }
    }
}
