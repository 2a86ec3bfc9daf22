package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;

import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * The Redis job system passes the same contract as the in-memory one, against a real Redis
 * ({@link RedisServer}); each test has its own key prefix. It lives beside the contract because the
 * contract's helpers are this package's. Shutting down differs, by design: a node's shutdown is its
 * own, the queue is the cluster's; the two shutdown tests say what happens instead.
 */
class RedisJobSystemTest extends JobSystemContract {

    private static RedisClient client;
    private final String prefix = "test-" + UUID.randomUUID();
    private final List<RedisJobSystem<FakeWork, String>> nodes = new CopyOnWriteArrayList<>();

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    protected JobSystem<FakeWork, String> create(int capacity, int workers, Computation<FakeWork, String> engine,
            JobListener listener) {
        if (client == null) { // here, not in @BeforeAll: each test is reported skipped, with the reason, where there is no Redis
            client = RedisJobSystem.client(RedisServer.shared().uri(), Duration.ofSeconds(5));
        }
        RedisJobSystem<FakeWork, String> node = new RedisJobSystem<>(client,
                new RedisJobSettings(prefix, Duration.ofSeconds(30), 3, Duration.ofMinutes(1)),
                List.of(new ModelQueue<>(MODEL, capacity, Collections.nCopies(workers, engine))),
                new FakeWorkCodec(), FakeWorkCodec.TEXT, listener, Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        release.countDown();
        nodes.forEach(node -> node.shutdown(Duration.ofSeconds(5)));
        nodes.forEach(RedisJobSystem::close);
    }

    /** A node that shuts down finishes its job; the jobs waiting stay queued for the other nodes. */
    @Test
    @Override
    void shutdownLetsRunningJobsFinishCancelsTheRestAndRefusesNewOnes() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID running = jobs.submit(MODEL, FakeWork.slow("running", 10, 20)).id();
        awaitRunning(running);
        UUID waiting = jobs.submit(MODEL, FakeWork.quick("waiting")).id();

        jobs.shutdown(Duration.ofSeconds(5));

        assertThat(jobs.find(running).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(jobs.find(waiting).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThatThrownBy(() -> jobs.submit(MODEL, FakeWork.quick("late"))).isInstanceOf(ShuttingDownException.class);
        assertThatThrownBy(() -> jobs.call(MODEL, FakeWork.quick("late"), WAIT, timedOut()))
                .isInstanceOf(ShuttingDownException.class);

        JobSystem<FakeWork, String> other = create(4, 1, engine, listener);
        assertThat(other.await(waiting, WAIT).orElseThrow().result()).contains("waiting");
    }

    /**
     * Jobs still running when the grace period is up go back to the queue, not to their end:
     * another node takes them, and their subscribers hear one end, from there.
     */
    @Test
    @Override
    void shutdownEndsEvenJobsThatOutliveTheGracePeriod() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 2);
        CountDownLatch stuckRelease = new CountDownLatch(1);
        UUID endless = jobs.submit(MODEL, FakeWork.slow("endless", 100_000, 5)).id();
        UUID stuck = jobs.submit(MODEL, FakeWork.held("stuck", stuckRelease)).id();
        awaitRunning(endless);
        awaitRunning(stuck);
        Events events = new Events();
        jobs.subscribe(stuck, events);

        long start = System.nanoTime();
        jobs.shutdown(Duration.ofMillis(200));

        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        for (UUID id : List.of(endless, stuck)) {
            JobSnapshot<String> job = jobs.find(id).orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(job.startedAt()).isEmpty();
        }
        stuckRelease.countDown();
        JobSystem<FakeWork, String> other = create(4, 2, engine, listener);
        events.awaitEnd();
        assertThat(other.find(stuck).orElseThrow().result()).contains("stuck");
        awaitRunning(endless); // on the other node now
        other.cancel(endless, JobError.cancelledByClient());
        assertThat(other.await(endless, WAIT).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        Thread.sleep(50);
        assertThat(events.heard).last().isEqualTo("end SUCCEEDED");
        assertThat(events.heard).filteredOn(e -> e.startsWith("end")).hasSize(1);
        assertThat(engine.started).containsExactlyInAnyOrder("endless", "stuck", "endless", "stuck");
    }
}
