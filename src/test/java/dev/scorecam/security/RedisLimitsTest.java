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
        try (RedisSlots slotsA = new RedisSlots(podA, Duration.ofSeconds(30));
                RedisSlots slotsB = new RedisSlots(podB, Duration.ofSeconds(30))) {
            JobQuota a = new JobQuota(slotsA, limits(0, 1));
            JobQuota b = new JobQuota(slotsB, limits(0, 1));

            JobQuota.Permit running = a.acquire("finn", "fashion-cnn");
            assertThatThrownBy(() -> b.acquire("finn", "fashion-cnn")).isInstanceOf(RateLimitedException.class);
            running.close(); // the job ended on node A
            b.acquire("finn", "fashion-cnn");
            assertThatThrownBy(() -> a.acquire("finn", "fashion-cnn")).isInstanceOf(RateLimitedException.class);
        }
    }

    /**
     * Slots are leases: a live pod keeps its client's slots however long the job runs (it renews
     * them), and a pod that dies holding slots gives them back within the lease (claim-after),
     * without anyone releasing them.
     */
    @Test
    void aDeadPodsSlotsComeBackWithinClaimAfter() throws InterruptedException {
        Duration claimAfter = Duration.ofSeconds(1);
        RedisClient dying = RedisClient.create(redis.url());
        RedisSlots slotsA = new RedisSlots(dying, claimAfter);
        try (RedisSlots slotsB = new RedisSlots(podB, claimAfter)) {
            JobQuota a = new JobQuota(slotsA, limits(0, 2));
            JobQuota b = new JobQuota(slotsB, limits(0, 2));
            a.acquire("gwen", "fashion-cnn");
            a.acquire("gwen", "fashion-cnn");

            Thread.sleep(claimAfter.multipliedBy(3).toMillis()); // three lease lengths: renewed, still held
            assertThatThrownBy(() -> b.acquire("gwen", "fashion-cnn")).isInstanceOf(RateLimitedException.class);

            slotsA.close(); // the pod dies: no renewal, nothing given back
            dying.shutdown();
            long died = System.nanoTime();
            JobQuota.Permit first = null;
            while (first == null && System.nanoTime() - died < claimAfter.multipliedBy(5).toNanos()) {
                try {
                    first = b.acquire("gwen", "fashion-cnn");
                } catch (RateLimitedException e) {
                    Thread.sleep(20);
                }
            }
            Duration back = Duration.ofNanos(System.nanoTime() - died);
            assertThat(first).as("a slot of the dead pod came back").isNotNull();
            assertThat(back).as("slots back within claim-after (and a margin for renewal timing)")
                    .isLessThanOrEqualTo(claimAfter.plusMillis(500));
            b.acquire("gwen", "fashion-cnn"); // both of the dead pod's slots
            assertThatThrownBy(() -> b.acquire("gwen", "fashion-cnn")).isInstanceOf(RateLimitedException.class);
            System.out.printf("RedisLimitsTest: a dead pod's job slots came back %d ms after it died (claim-after %d ms)%n",
                    back.toMillis(), claimAfter.toMillis());
        } finally {
            slotsA.close();
            dying.shutdown();
        }
    }

    /**
     * With the Redis job backend the buckets go to Redis through the job system's client
     * ({@code scorecamRedisClient}, the one made from spring.data.redis.*); otherwise they stay in
     * the process. A second RedisClient in the context does not confuse it.
     */
    @Test
    void theRedisBackendPutsTheBucketsInRedis() {
        ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(BucketStoreConfiguration.class);
        runner.run(context -> {
            assertThat(context).getBean(BucketStore.class).isInstanceOf(LocalBuckets.class);
            assertThat(context).getBean(JobSlots.class).isInstanceOf(LocalSlots.class);
        });
        runner.withPropertyValues("scorecam.queue.backend=redis")
                .withBean("scorecamRedisClient", RedisClient.class, () -> RedisClient.create(redis.url()))
                .withBean("someOtherRedisClient", RedisClient.class, () -> RedisClient.create("redis://127.0.0.1:1"))
                .run(context -> {
                    assertThat(context).getBean(BucketStore.class).isInstanceOf(RedisBuckets.class);
                    assertThat(context).getBean(JobSlots.class).isInstanceOf(RedisSlots.class);
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
            RedisSlots slots = new RedisSlots(nowhere, Duration.ofSeconds(30));
            JobQuota quota = new JobQuota(slots, limits(0, 1));

            assertThatThrownBy(() -> limiter.request("jo", null))
                    .isInstanceOf(dev.scorecam.jobs.BackendUnavailableException.class);
            assertThatThrownBy(() -> quota.acquire("jo", "fashion-cnn"))
                    .isInstanceOf(dev.scorecam.jobs.BackendUnavailableException.class);
            slots.close();
        } finally {
            nowhere.shutdown();
        }
    }
}
