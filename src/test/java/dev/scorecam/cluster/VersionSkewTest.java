package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.lettuce.core.RedisClient;

import tools.jackson.databind.JsonNode;

import dev.scorecam.ServerTest;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.redis.Codec;
import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.jobs.redis.RedisServer;
import dev.scorecam.jobs.redis.UnreadablePayloadException;
import dev.scorecam.security.Clients;

/**
 * A rolling upgrade that reaches the API first, on a real Redis: an API instance of this version
 * (it writes payload version 4) beside a worker process that reads only version 2 (a stand-in for
 * a worker of an older release that advertises what it reads) answers 503
 * /problems/no-compatible-worker naming the versions; with a worker of this version it answers
 * 202 and the job is computed; when that worker crashes, the refusal is back within the
 * advertisement's life and the cache. A job whose payload the worker cannot read (version 99, or
 * corrupt) fails with /problems/job-unreadable and the reason, and the worker goes on. Ordered:
 * each test starts from the processes the one before left.
 */
@Tag(ServerTest.SLOW)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VersionSkewTest {

    private static final String MODEL = "fashion-cnn";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Node's claim-after: advertisements live 2 s (refreshed every 2/3 s), read through a cache of 2/3 s. */
    private static final Duration CLAIM_AFTER = Duration.ofSeconds(2);
    private static final ClusterHttp http = new ClusterHttp(WAIT);

    private static RedisServer redis;
    private static RedisClient client;
    private static String prefix;
    private static Node api;
    private static Node worker;
    private static RedisJobSystem<byte[], byte[]> oldWorker;

    /** What a worker of the release before reads: payloads of version 2 only. */
    private static final Codec<byte[]> VERSION_2 = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            if (bytes.length == 0 || bytes[0] != 2) {
                throw new UnreadablePayloadException("the job's payload is of version " + (bytes.length == 0 ? "none"
                        : bytes[0]) + "; the worker that took it reads versions 2");
            }
            return bytes;
        }

        @Override
        public int version() {
            return 2;
        }

        @Override
        public List<Integer> reads() {
            return List.of(2);
        }
    };

    /** Bytes as they are, unchecked: how the test queues payloads that no codec of this version writes. */
    private static final Codec<byte[]> RAW = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };

    @BeforeAll
    static void start() {
        redis = RedisServer.ownProcess(false);
        client = RedisJobSystem.client(redis.uri(), Duration.ofSeconds(2));
        prefix = "skew-" + UUID.randomUUID();
        api = Node.start("api", redis.url(), prefix, Map.of());
        oldWorker = startOldWorker();
    }

    @AfterAll
    static void stop() {
        for (Node node : Arrays.asList(api, worker)) {
            if (node != null) {
                node.close();
            }
        }
        if (oldWorker != null) {
            oldWorker.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    private static RedisJobSystem<byte[], byte[]> startOldWorker() {
        return new RedisJobSystem<>(client, settings(),
                List.of(new ModelQueue<byte[], byte[]>(MODEL, 16, List.of((work, progress) -> work))),
                VERSION_2, RAW, JobListener.NONE, Clock.systemUTC(), "1.0.0");
    }

    private static RedisJobSettings settings() {
        return new RedisJobSettings(prefix, CLAIM_AFTER, 3, Duration.ofMinutes(5));
    }

    /** Waits until the API instance sees {@code count} advertising worker processes. */
    private static void awaitReaders(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (api.jobSystem().readers(MODEL).size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(api.jobSystem().readers(MODEL)).hasSize(count);
    }

    private static void assertNoCompatibleWorker(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
        JsonNode problem = ClusterHttp.JSON.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/no-compatible-worker");
        assertThat(problem.path("title").asString()).isEqualTo("No compatible worker");
        assertThat(problem.path("detail").asString())
                .contains("reads job payloads of version 4", "read versions 2 (app 1.0.0)", "upgraded first");
    }

    @Test
    @Order(1)
    void anApiWhoseOnlyWorkerReadsAnOlderVersionRefusesJobsNamingTheVersions() throws Exception {
        awaitReaders(1);

        assertNoCompatibleWorker(http.submit(api, Map.of()));
        assertNoCompatibleWorker(http.explain(api, Map.of()));
        assertThat(api.jobSystem().queue(MODEL).waiting()).as("nothing was queued").isZero();
    }

    @Test
    @Order(2)
    void withAWorkerOfThisVersionTheJobIsServed() throws Exception {
        worker = Node.start("worker", redis.url(), prefix, Map.of());
        awaitReaders(2);
        oldWorker.close(); // the rollout goes on: the old worker leaves, and says so
        awaitReaders(1);

        HttpResponse<String> accepted = http.submit(api, Map.of());

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode job = http.awaitFinal(api, ClusterHttp.JSON.readTree(accepted.body()).path("id").asString(), WAIT);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(http.explain(api, Map.of()).statusCode()).isEqualTo(200);
    }

    /**
     * Queued past the API's check (straight into Redis): a payload of version 99 and one cut short.
     * Each fails once with the reason in the job the client polls; the worker then serves the next.
     */
    @Test
    @Order(3)
    void aJobTheWorkerCannotReadFailsWithTheReasonAndTheWorkerServesTheNext() throws Exception {
        byte[] payload = Files.readAllBytes(Path.of("src/test/resources/wire/request-v3.bin"));
        byte[] future = payload.clone();
        future[0] = 99;
        byte[] cut = Arrays.copyOf(payload, payload.length / 2);
        long passesBefore = worker.passes.images.get();
        try (RedisJobSystem<byte[], byte[]> queueOnly = new RedisJobSystem<>(client, settings(),
                List.of(new ModelQueue<byte[], byte[]>(MODEL, 16, List.of())), RAW, RAW, JobListener.NONE,
                Clock.systemUTC())) {
            String futureId = queueOnly.submit(MODEL, Clients.ANONYMOUS, future).id().toString();
            String cutId = queueOnly.submit(MODEL, Clients.ANONYMOUS, cut).id().toString();

            JsonNode futureJob = http.awaitFinal(api, futureId, WAIT);
            JsonNode cutJob = http.awaitFinal(api, cutId, WAIT);

            assertThat(futureJob.path("status").asString()).isEqualTo("FAILED");
            assertThat(futureJob.path("error").path("type").asString()).isEqualTo("/problems/job-unreadable");
            assertThat(futureJob.path("error").path("status").asInt()).isEqualTo(500);
            assertThat(futureJob.path("error").path("detail").asString()).isEqualTo("the job's payload is of version 99; "
                    + "the worker that took it reads versions 4, 3 and 2 (the workers must run the version of the API "
                    + "instances or a newer one)");
            assertThat(cutJob.path("status").asString()).isEqualTo("FAILED");
            assertThat(cutJob.path("error").path("type").asString()).isEqualTo("/problems/job-unreadable");
            assertThat(cutJob.path("error").path("detail").asString())
                    .isEqualTo("the job's payload (version 3) is corrupt or cut short");
            HttpResponse<String> result = http.get(api, "/v1/jobs/" + futureId + "/result");
            assertThat(result.statusCode()).isEqualTo(500);
            assertThat(ClusterHttp.JSON.readTree(result.body()).path("type").asString())
                    .isEqualTo("/problems/job-unreadable");
        }
        assertThat(worker.passes.images.get()).as("nothing computed for them").isEqualTo(passesBefore);

        HttpResponse<String> next = http.submit(api, Map.of());
        assertThat(next.statusCode()).isEqualTo(202);
        JsonNode job = http.awaitFinal(api, ClusterHttp.JSON.readTree(next.body()).path("id").asString(), WAIT);
        assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
    }

    /**
     * The old worker runs again, then this version's worker crashes (no word to Redis): the API
     * refuses again once the crashed worker's advertisement has run out and its cache expired.
     */
    @Test
    @Order(4)
    void whenTheCompatibleWorkerCrashesTheApiRefusesAgainWithinTheAdvertisementsLife() throws Exception {
        oldWorker = startOldWorker();
        awaitReaders(2);

        worker.kill();
        long start = System.nanoTime();
        while (api.jobSystem().readers(MODEL).stream().anyMatch(reader -> reader.contains("4"))
                && System.nanoTime() - start < WAIT.toNanos()) {
            Thread.sleep(20);
        }
        long refusedAfter = (System.nanoTime() - start) / 1_000_000;

        assertNoCompatibleWorker(http.submit(api, Map.of()));
        // 2 s of advertisement and 2/3 s of cache, with a margin for a loaded machine
        assertThat(refusedAfter).as("ms until refused").isLessThan(5_000L);
        System.out.printf("the API refused again %d ms after the last compatible worker crashed%n", refusedAfter);
    }
}
