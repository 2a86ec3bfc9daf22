package dev.scorecam.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scorecam.jobs.redis.RedisServer;

/** The answer cache in a real Redis: answers read back as written, and the byte bound holds. */
class RedisAnswersTest {

    private static RedisClient client;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RedisServer.shared().uri());
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.shutdown();
        }
    }

    static Answer answer(int bytes, String target) {
        return new Answer("image/png", target, new byte[bytes]);
    }

    @Test
    void anAnswerReadsBackAsItWasWritten() {
        try (RedisAnswers answers = new RedisAnswers(client, "test-" + UUID.randomUUID(), 1 << 20, Duration.ofMinutes(1))) {
            byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            answers.put("k", new Answer("application/json", null, body));
            answers.put("p", new Answer("image/png", "7", new byte[] {1, 2, 3}));

            assertThat(answers.get("k")).get().satisfies(a -> {
                assertThat(a.contentType()).isEqualTo("application/json");
                assertThat(a.target()).isNull();
                assertThat(a.body()).isEqualTo(body);
            });
            assertThat(answers.get("p").orElseThrow().target()).isEqualTo("7");
            assertThat(answers.get("absent")).isEmpty();
        }
    }

    @Test
    void theOldestAnswersGoOnceTheTotalPassesTheBoundAndTheTotalStaysWithinIt() {
        String prefix = "test-" + UUID.randomUUID();
        long max = 10_000;
        try (RedisAnswers answers = new RedisAnswers(client, prefix, max, Duration.ofMinutes(1));
                StatefulRedisConnection<String, String> redis = client.connect()) {
            // each value is its 2,000-byte body and a few bytes of header: four fit, never five
            IntStream.range(0, 12).forEach(i -> answers.put("k" + i, answer(2_000, null)));
            answers.put("huge", answer(20_000, null));

            long total = Long.parseLong(redis.sync().get(prefix + ":answer:bytes"));
            assertThat(total).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
            assertThat(answers.get("k11")).isPresent();
            assertThat(answers.get("k0")).isEmpty();
            assertThat(answers.get("huge")).isEmpty();
            long kept = IntStream.range(0, 12).filter(i -> answers.get("k" + i).isPresent()).count();
            assertThat(kept).isEqualTo(4);
            assertThat(redis.sync().zcard(prefix + ":answer:index")).isEqualTo(kept);
            assertThat(redis.sync().pttl(prefix + ":answer:k11")).isPositive().isLessThanOrEqualTo(60_000);
        }
    }

    @Test
    void anAnswerPastItsTtlIsGoneAndLeavesTheBooks() throws InterruptedException {
        String prefix = "test-" + UUID.randomUUID();
        try (RedisAnswers answers = new RedisAnswers(client, prefix, 1 << 20, Duration.ofMillis(200));
                StatefulRedisConnection<String, String> redis = client.connect()) {
            answers.put("old", answer(100, null));
            Thread.sleep(400);
            answers.put("new", answer(100, null));

            assertThat(answers.get("old")).isEmpty();
            assertThat(answers.get("new")).isPresent();
            assertThat(redis.sync().zrange(prefix + ":answer:index", 0, -1)).containsExactly("new");
            assertThat(Long.parseLong(redis.sync().get(prefix + ":answer:bytes")))
                    .isEqualTo(answer(100, null).encode().length);
        }
    }
}
