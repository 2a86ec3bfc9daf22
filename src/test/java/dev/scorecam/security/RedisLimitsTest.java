package dev.scorecam.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import io.lettuce.core.RedisClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Two nodes, each with its own Redis connection as two pods would have, over one real
 * redis-server: a client's requests and jobs count once, whichever node serves them.
 */
class RedisLimitsTest {

    static LocalRedis redis;
    static RedisClient podA;
    static RedisClient podB;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.start();
        podA = RedisClient.create(redis.url());
        podB = RedisClient.create(redis.url());
    }

    @AfterAll
    static void stop() {
        if (podA != null) {
            podA.shutdown();
            podB.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static SecurityProperties.Limits limits(int requests, int jobs) {
        return new SecurityProperties.Limits(requests, Duration.ofMinutes(1), jobs, Map.of());
    }

    @Test
    void requestsCountAcrossNodes() {
        RateLimiter a = new RateLimiter(new RedisBuckets(podA), limits(3, 0));
        RateLimiter b = new RateLimiter(new RedisBuckets(podB), limits(3, 0));

        assertThat(a.request("dora", null).get(0).remaining()).isEqualTo(2);
        assertThat(b.request("dora", null).get(0).remaining()).isEqualTo(1);
        assertThat(a.request("dora", null).get(0).remaining()).isZero();
        assertThatThrownBy(() -> b.request("dora", null)).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> a.request("dora", null)).isInstanceOf(RateLimitedException.class);
        assertThat(b.request("erin", null).get(0).remaining()).isEqualTo(2); // her own bucket
    }

    @Test
    void concurrentJobsCountAcrossNodes() {
        JobQuota a = new JobQuota(new RedisBuckets(podA), limits(0, 1));
        JobQuota b = new JobQuota(new RedisBuckets(podB), limits(0, 1));

        JobQuota.Permit running = a.acquire("finn", "fashion-cnn");
        assertThatThrownBy(() -> b.acquire("finn", "fashion-cnn")).isInstanceOf(RateLimitedException.class);
        running.close(); // the job ended on node A
        b.acquire("finn", "fashion-cnn");
        assertThatThrownBy(() -> a.acquire("finn", "fashion-cnn")).isInstanceOf(RateLimitedException.class);
    }

    /**
     * With the Redis job backend the buckets go to Redis through the job system's client
     * ({@code scorecamRedisClient}, the one made from spring.data.redis.*); otherwise they stay in
     * the process. A second RedisClient in the context does not confuse it.
     */
    @Test
    void theRedisBackendPutsTheBucketsInRedis() {
        ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(BucketStoreConfiguration.class);
        runner.run(context -> assertThat(context).getBean(BucketStore.class).isInstanceOf(LocalBuckets.class));
        runner.withPropertyValues("scorecam.queue.backend=redis")
                .withBean("scorecamRedisClient", RedisClient.class, () -> RedisClient.create(redis.url()))
                .withBean("someOtherRedisClient", RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:1"))
                .run(context -> {
                    assertThat(context).getBean(BucketStore.class).isInstanceOf(RedisBuckets.class);
                    RateLimiter limiter = new RateLimiter(context.getBean(BucketStore.class), limits(1, 0));
                    limiter.request("gus", null);
                    RateLimiter elsewhere = new RateLimiter(new RedisBuckets(podA), limits(1, 0));
                    assertThatThrownBy(() -> elsewhere.request("gus", null)).isInstanceOf(RateLimitedException.class);
                });
    }

    /** The buckets' connection is made anew when it breaks (the job system's client does not reconnect by itself). */
    @Test
    void theBucketsReconnectAfterTheirConnectionBroke() {
        RedisClient client = RedisClient.create(redis.url());
        client.setOptions(io.lettuce.core.ClientOptions.builder().autoReconnect(false).build());
        try {
            RateLimiter limiter = new RateLimiter(new RedisBuckets(client), limits(2, 0));
            assertThat(limiter.request("hal", null).get(0).remaining()).isEqualTo(1);
            try (var admin = podA.connect()) {
                admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> limiter.request("ida", null).get(0).remaining() == 1);
            assertThat(limiter.request("hal", null).get(0).remaining()).isZero(); // the count survived in Redis
        } finally {
            client.shutdown();
        }
    }

    /** Redis out of reach: the limits answer as the job queue then does (503 backend-unavailable), never a 500. */
    @Test
    void unreachableBucketsAreTheBackendBeingUnavailable() {
        RedisClient nowhere = RedisClient.create("redis://127.0.0.1:1"); // nothing listens on port 1
        nowhere.setDefaultTimeout(Duration.ofSeconds(2));
        try {
            RateLimiter limiter = new RateLimiter(new RedisBuckets(nowhere), limits(2, 0));
            JobQuota quota = new JobQuota(new RedisBuckets(nowhere), limits(0, 1));

            assertThatThrownBy(() -> limiter.request("jo", null))
                    .isInstanceOf(dev.scorecam.jobs.BackendUnavailableException.class);
            assertThatThrownBy(() -> quota.acquire("jo", "fashion-cnn"))
                    .isInstanceOf(dev.scorecam.jobs.BackendUnavailableException.class);
        } finally {
            nowhere.shutdown();
        }
    }
}
