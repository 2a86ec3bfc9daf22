package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;

import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * What the Redis job system does when things fail, against a real Redis: a worker that stops
 * without a word (its heartbeat stops), a job that keeps stopping its workers, Redis itself going
 * away and coming back.
 */
class RedisJobSystemRecoveryTest {

    private static final String MODEL = "fake";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final FakeWork.Engine engine = new FakeWork.Engine();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final JobListener listener = new JobListener() {
        @Override
        public void finished(JobSnapshot<?> job, Duration computed) {
            heard.add(job.status() + job.error().map(e -> " " + e.kind()).orElse(""));
        }
    };
    private final String prefix = "test-" + UUID.randomUUID();
    private final List<RedisJobSystem<FakeWork, String>> nodes = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();
    private RedisServer ownRedis;

    @AfterEach
    void stop() {
        nodes.forEach(RedisJobSystem::close);
        clients.forEach(RedisClient::shutdown);
        if (ownRedis != null) {
            ownRedis.stop();
        }
    }

    private RedisJobSystem<FakeWork, String> node(RedisServer redis, int maxDeliveries, int workers) {
        return node(redis, new RedisJobSettings(prefix, Duration.ofMillis(300), maxDeliveries, Duration.ofMinutes(1)),
                workers);
    }

    private RedisJobSystem<FakeWork, String> node(RedisServer redis, RedisJobSettings settings, int workers) {
        RedisClient client = RedisJobSystem.client(redis.uri(), Duration.ofSeconds(2));
        clients.add(client);
        RedisJobSystem<FakeWork, String> node = new RedisJobSystem<>(client, settings,
                List.of(new ModelQueue<>(MODEL, 16, java.util.Collections.nCopies(workers, engine))),
                new FakeWorkCodec(), FakeWorkCodec.TEXT, listener, Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    private static JobSnapshot<String> awaitRunning(JobSystem<FakeWork, String> jobs, UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JobSnapshot<String> job = jobs.find(id).orElseThrow();
        while (job.status() != JobStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(5);
            job = jobs.find(id).orElseThrow();
        }
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        return job;
    }

    private void awaitStarted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (engine.started.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(engine.started).hasSize(count);
    }

    /** The listener is told after the job's end is written: a moment after a waiter may see it. */
    private void awaitHeard(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (heard.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aJobWhoseWorkerStopsWithoutAWordIsComputedByAnotherAfterClaimAfter() throws Exception {
        RedisServer redis = RedisServer.shared();
        RedisJobSystem<FakeWork, String> crashing = node(redis, 3, 1);
        UUID id = crashing.submit(MODEL, FakeWork.slow("long", 40, 20)).id();
        awaitStarted(1);

        crashing.halt();
        RedisJobSystem<FakeWork, String> other = node(redis, 3, 1);
        JobSnapshot<String> done = other.await(id, WAIT).orElseThrow();

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result()).contains("long");
        assertThat(engine.started).containsExactly("long", "long");
        awaitHeard(1);
        assertThat(heard).containsExactly("SUCCEEDED");
    }

    @Test
    void aJobThatKeepsStoppingItsWorkersFailsAsAbandonedAfterMaxDeliveries() throws Exception {
        RedisServer redis = RedisServer.shared();
        RedisJobSystem<FakeWork, String> first = node(redis, 2, 1);
        UUID id = first.submit(MODEL, FakeWork.slow("deadly", 1000, 20)).id();
        awaitStarted(1);
        first.halt();
        RedisJobSystem<FakeWork, String> second = node(redis, 2, 1);
        awaitStarted(2);
        second.halt();

        RedisJobSystem<FakeWork, String> third = node(redis, 2, 1);
        JobSnapshot<String> failed = third.await(id, WAIT).orElseThrow();

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().orElseThrow().kind()).isEqualTo(JobError.Kind.ABANDONED);
        assertThat(engine.started).hasSize(2); // the third worker did not run it again
        awaitHeard(1);
        assertThat(heard).containsExactly("FAILED ABANDONED");
    }

    @Test
    void redisAwayRefusesWithBackendUnavailableAndAcceptedJobsEndAfterItReturns() throws Exception {
        ownRedis = RedisServer.ownProcess(true);
        RedisJobSystem<FakeWork, String> jobs = node(ownRedis, 3, 1);
        List<UUID> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(jobs.submit(MODEL, FakeWork.slow("before-" + i, 10, 30)).id());
        }
        awaitRunning(jobs, accepted.get(0));

        ownRedis.stop();
        Throwable submit = org.assertj.core.api.Assertions.catchThrowable(() -> jobs.submit(MODEL, FakeWork.quick("during")));
        Throwable find = org.assertj.core.api.Assertions.catchThrowable(() -> jobs.find(accepted.get(1)));
        boolean reachable = jobs.reachable();
        Thread.sleep(500); // the worker computes on meanwhile
        ownRedis.start();

        assertThat(submit).isInstanceOf(BackendUnavailableException.class);
        assertThat(find).isInstanceOf(BackendUnavailableException.class);
        assertThat(reachable).isFalse();
        awaitReachable(jobs);
        accepted.add(jobs.submit(MODEL, FakeWork.quick("after")).id());
        for (UUID id : accepted) {
            JobSnapshot<String> job = jobs.await(id, WAIT).orElseThrow();
            assertThat(job.status()).as("%s", job).isEqualTo(JobStatus.SUCCEEDED);
        }
        assertThatThrownBy(() -> jobs.queue("other")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A job must be held by a replica before it counts as accepted: on a Redis without replicas
     * none confirms it, so the submission is refused as the backend being unavailable (503), after
     * the replica timeout and not later, and the job is withdrawn rather than left to run unseen.
     */
    @Test
    void aJobNoReplicaConfirmsIsRefusedAndWithdrawn() {
        RedisServer redis = RedisServer.shared();
        Duration replicaTimeout = Duration.ofMillis(300);
        RedisJobSystem<FakeWork, String> api = node(redis, new RedisJobSettings(prefix, Duration.ofSeconds(30), 3,
                Duration.ofMinutes(1), 1, replicaTimeout), 0);

        long start = System.nanoTime();
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> api.submit(MODEL, FakeWork.quick("alone")));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(refused).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("replica");
        assertThat(took).isBetween(replicaTimeout, replicaTimeout.plusSeconds(2));
        assertThat(api.queue(MODEL).waiting()).as("the unconfirmed job was withdrawn").isZero();
    }

    private static void awaitReachable(RedisJobSystem<?, ?> jobs) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!jobs.reachable() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(jobs.reachable()).isTrue();
    }
}
