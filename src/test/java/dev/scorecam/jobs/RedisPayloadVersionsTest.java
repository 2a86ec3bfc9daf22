package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisClient;

import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.jobs.redis.RedisServer;
import dev.scorecam.jobs.redis.UnreadablePayloadException;

/**
 * Nodes of different versions on one real Redis: workers advertise the payload versions they
 * read, a node refuses a job that no live worker reads (and queues it when none advertises), the
 * refusal comes back within the advertisement's life once the last compatible worker is gone,
 * and a worker that takes a job it cannot read fails that job with the reason and goes on.
 */
class RedisPayloadVersionsTest {

    private static final String MODEL = "fake";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** claim-after 3 s: advertisements live 3 s, are refreshed every second, and read through a 1 s cache. */
    private static final Duration CLAIM_AFTER = Duration.ofSeconds(3);

    private final FakeWork.Engine engine = new FakeWork.Engine();
    private final String prefix = "test-" + UUID.randomUUID();
    private final List<RedisJobSystem<FakeWork, String>> nodes = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final JobListener listener = new JobListener() {
        @Override
        public void finished(JobSnapshot<?> job, Duration computed) {
            job.error().ifPresent(error -> failures.add(error.kind().name()));
        }
    };

    @AfterEach
    void stop() {
        nodes.forEach(RedisJobSystem::close);
        clients.forEach(RedisClient::shutdown);
    }

    /** A FakeWork payload behind a version byte: writes {@code writes}, reads {@code reads}. */
    record Versioned(int writes, List<Integer> reads) implements Codec<FakeWork> {

        private static final FakeWorkCodec TEXT = new FakeWorkCodec();

        @Override
        public byte[] encode(FakeWork work) {
            byte[] text = TEXT.encode(work);
            byte[] bytes = new byte[text.length + 1];
            bytes[0] = (byte) writes;
            System.arraycopy(text, 0, bytes, 1, text.length);
            return bytes;
        }

        @Override
        public FakeWork decode(byte[] bytes) {
            if (!reads.contains(bytes[0] & 0xff)) {
                throw new UnreadablePayloadException("the job's payload is of version " + (bytes[0] & 0xff)
                        + "; the worker that took it reads versions " + reads);
            }
            try {
                return TEXT.decode(Arrays.copyOfRange(bytes, 1, bytes.length));
            } catch (RuntimeException e) { // not what a codec should throw: the worker's last resort
                throw new IllegalStateException("a corrupt fake payload (the test expects this error)", e);
            }
        }

        @Override
        public int version() {
            return writes;
        }

        @Override
        public List<Integer> reads() {
            return reads;
        }
    }

    /** Raw bytes as they are, so that a test can queue a payload no codec would write. */
    static final Codec<FakeWork> RAW = new Codec<>() {
        @Override
        public byte[] encode(FakeWork work) {
            return work.name().getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public FakeWork decode(byte[] bytes) {
            throw new UnsupportedOperationException("queues only");
        }
    };

    private RedisJobSystem<FakeWork, String> node(Codec<FakeWork> codec, int workers, String app) {
        RedisClient client = RedisJobSystem.client(RedisServer.shared().uri(), Duration.ofSeconds(2));
        clients.add(client);
        RedisJobSystem<FakeWork, String> node = new RedisJobSystem<>(client,
                new RedisJobSettings(prefix, CLAIM_AFTER, 3, Duration.ofMinutes(1)),
                List.of(new ModelQueue<>(MODEL, 16, Collections.nCopies(workers, engine))),
                codec, FakeWorkCodec.TEXT, listener, Clock.systemUTC(), app);
        nodes.add(node);
        return node;
    }

    /** Waits until the node sees {@code count} advertising worker processes (what it reads is cached briefly). */
    private static void awaitReaders(RedisJobSystem<FakeWork, String> node, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (node.readers(MODEL).size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(node.readers(MODEL)).hasSize(count);
    }

    @Test
    void aJobNoLiveWorkerReadsIsRefusedNamingTheVersionsAndServedOnceACompatibleWorkerRuns() throws Exception {
        RedisJobSystem<FakeWork, String> api = node(new Versioned(3, List.of(3, 2)), 0, "2.0.0");
        RedisJobSystem<FakeWork, String> old = node(new Versioned(2, List.of(2)), 1, "1.0.0");
        awaitReaders(api, 1);

        assertThatThrownBy(() -> api.submit(MODEL, FakeWork.quick("new")))
                .isInstanceOfSatisfying(NoCompatibleWorkerException.class, e -> {
                    assertThat(e.problemType().slug()).isEqualTo("no-compatible-worker");
                    assertThat(e.version()).isEqualTo(3);
                    assertThat(e.detail()).contains("version 3", "versions 2 (app 1.0.0)", "upgraded first");
                    assertThat(e.retryAfter()).isPositive();
                });
        assertThatThrownBy(() -> api.call(MODEL, FakeWork.quick("sync"), WAIT, JobError.timedOut(WAIT)))
                .isInstanceOf(NoCompatibleWorkerException.class);
        assertThat(api.queue(MODEL).waiting()).as("nothing was queued").isZero();

        node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        awaitReaders(api, 2);
        assertThat(api.readers(MODEL)).containsExactlyInAnyOrder("versions 2 (app 1.0.0)", "versions 3, 2 (app 2.0.0)");
        old.shutdown(Duration.ofSeconds(5)); // the rollout goes on; while both run, the old one may take (and fail) a job
        awaitReaders(api, 1);
        JobSnapshot<String> job = api.submit(MODEL, FakeWork.quick("new"));

        assertThat(api.await(job.id(), WAIT).orElseThrow().result()).contains("new");
    }

    /**
     * A burst of submissions asks Redis for the advertisements once per cache period, not once per
     * job: counted by Redis itself ({@code INFO commandstats}; nothing else sends ZRANGEBYSCORE).
     */
    @Test
    void aBurstOfSubmissionsAsksRedisForTheAdvertisementsOncePerCachePeriod() throws Exception {
        RedisJobSystem<FakeWork, String> api = node(new Versioned(3, List.of(3, 2)), 0, "2.0.0");
        node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        awaitReaders(api, 1);
        long before = lookups();
        long start = System.nanoTime();
        int submissions = 0;
        while (System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
            try {
                api.submit(MODEL, FakeWork.quick("burst-" + submissions));
            } catch (QueueFullException e) {
                // checked before the queue's capacity: it counts as a submission all the same
            }
            submissions++;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long lookups = lookups() - before;

        // the cache is 1 s here: about one lookup a second, however many submissions
        assertThat(submissions).isGreaterThan(100);
        assertThat(lookups).as("lookups for %d submissions in %d ms", submissions, millis)
                .isBetween(2L, millis / 1000 + 1);
        System.out.printf("%d submissions in %d ms asked Redis for the advertisements %d times%n", submissions, millis,
                lookups);
    }

    private static long lookups() {
        RedisClient stats = RedisClient.create(RedisServer.shared().uri());
        try (var connection = stats.connect()) {
            java.util.regex.Matcher calls = java.util.regex.Pattern.compile("cmdstat_zrangebyscore:calls=(\\d+)")
                    .matcher(connection.sync().info("commandstats"));
            return calls.find() ? Long.parseLong(calls.group(1)) : 0;
        } finally {
            stats.shutdown();
        }
    }

    /**
     * The compatible worker crashes (no word to Redis): its advertisement runs out, and within its
     * life plus the cache the node refuses again. A worker that stops cleanly withdraws at once.
     */
    @Test
    void whenTheLastCompatibleWorkerDiesTheRefusalComesBackWithinTheAdvertisementsLife() throws Exception {
        RedisJobSystem<FakeWork, String> api = node(new Versioned(3, List.of(3, 2)), 0, "2.0.0");
        node(new Versioned(2, List.of(2)), 1, "1.0.0");
        RedisJobSystem<FakeWork, String> compatible = node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        awaitReaders(api, 2);
        api.submit(MODEL, FakeWork.quick("accepted"));

        compatible.halt();
        long start = System.nanoTime();
        // what submit asks, read every 20 ms (a submission that gets through would land on the old worker, and fail)
        while (api.readers(MODEL).stream().anyMatch(reader -> reader.contains("3"))
                && System.nanoTime() - start < WAIT.toNanos()) {
            Thread.sleep(20);
        }
        long refusedAfter = (System.nanoTime() - start) / 1_000_000;
        assertThatThrownBy(() -> api.submit(MODEL, FakeWork.quick("refused")))
                .isInstanceOf(NoCompatibleWorkerException.class);

        // advertisement life 3 s + cache 1 s, and a margin for a loaded machine
        assertThat(refusedAfter).as("ms until refused").isLessThan(6_000L);
        System.out.printf("refused again %d ms after the last compatible worker crashed%n", refusedAfter);

        RedisJobSystem<FakeWork, String> another = node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        awaitReaders(api, 2);
        another.shutdown(Duration.ofSeconds(5));
        awaitReaders(api, 1); // withdrawn, not run out: well under the advertisement's life is waited for here
    }

    @Test
    void withNoWorkerAdvertisingAJobIsQueuedAndWaitsAsBefore() throws Exception {
        RedisJobSystem<FakeWork, String> api = node(new Versioned(3, List.of(3, 2)), 0, "2.0.0");
        // a worker of a version before the advertisements: it runs, but says nothing of what it reads
        node(new FakeWorkCodec(), 0, "");

        JobSnapshot<String> job = api.submit(MODEL, FakeWork.quick("waits"));

        assertThat(api.readers(MODEL)).isEmpty();
        assertThat(api.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        assertThat(api.await(job.id(), WAIT).orElseThrow().result()).contains("waits");
    }

    /**
     * A payload of a version the worker does not read, and a corrupt one: each job fails at once
     * with the reason (the client sees why), is not taken again, and the worker serves the next.
     */
    @Test
    void aJobItsWorkerCannotReadFailsWithTheReasonAndTheWorkerGoesOn() throws Exception {
        RedisJobSystem<FakeWork, String> raw = node(RAW, 0, "");
        RedisJobSystem<FakeWork, String> worker = node(new Versioned(3, List.of(3, 2)), 1, "2.0.0");
        UUID future = raw.submit(MODEL, FakeWork.quick("\u0063rest-of-a-version-99-payload")).id();
        UUID corrupt = raw.submit(MODEL, FakeWork.quick("\u0003not\nthe\nfields")).id();
        UUID fine = worker.submit(MODEL, FakeWork.quick("fine")).id();

        JobSnapshot<String> futureEnd = worker.await(future, WAIT).orElseThrow();
        JobSnapshot<String> corruptEnd = worker.await(corrupt, WAIT).orElseThrow();

        assertThat(futureEnd.status()).isEqualTo(JobStatus.FAILED);
        assertThat(futureEnd.error().orElseThrow().kind()).isEqualTo(JobError.Kind.UNREADABLE);
        assertThat(futureEnd.error().orElseThrow().kind().problemType().slug()).isEqualTo("job-unreadable");
        assertThat(futureEnd.error().orElseThrow().detail()).contains("version 99", "reads versions [3, 2]");
        assertThat(corruptEnd.status()).isEqualTo(JobStatus.FAILED);
        assertThat(corruptEnd.error().orElseThrow().kind()).isEqualTo(JobError.Kind.UNREADABLE);
        assertThat(corruptEnd.error().orElseThrow().detail()).contains("could not read the job's payload", corrupt.toString())
                .doesNotContain("Exception");
        assertThat(worker.await(fine, WAIT).orElseThrow().result()).contains("fine");
        assertThat(engine.started).containsExactly("fine");
        assertThat(failures).containsExactlyInAnyOrder("UNREADABLE", "UNREADABLE");
        assertThat(worker.queue(MODEL).busy()).as("nothing left running").isZero();
    }
}
