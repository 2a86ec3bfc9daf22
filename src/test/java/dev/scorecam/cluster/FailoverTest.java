package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisSentinels;

/**
 * A Redis failover under load, with real processes: a primary, a replica and three sentinels; an
 * API node and a worker node that know only the sentinels. The primary is killed (SIGKILL); the
 * sentinels promote the replica; the nodes find it at their next connection. Readiness is 503 in
 * the gap and 200 after; every submission is answered 202 or 503 with a problem; every job
 * accepted (held by a replica before its 202, {@code wait-for-replicas=1}) ends SUCCEEDED: none is
 * lost. The killed primary comes back as a replica of the new one, as a restarted pod would.
 */
@Tag(ServerTest.SLOW)
class FailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static RedisSentinels redis;
    private static Node api;
    private static Node worker;
    private final ClusterHttp http = new ClusterHttp(Duration.ofSeconds(30));

    @BeforeAll
    static void start() throws Exception {
        redis = RedisSentinels.start();
        String prefix = "failover-" + UUID.randomUUID();
        Map<String, String> sentinel = Map.of(
                "spring.data.redis.sentinel.master", RedisSentinels.MASTER,
                "spring.data.redis.sentinel.nodes", redis.sentinelNodes(),
                "spring.data.redis.client-name", "scorecam-failover-test",
                "scorecam.redis.wait-for-replicas", "1",
                "scorecam.redis.replica-timeout", "500ms");
        // the url is never used: the sentinels name the primary
        api = Node.start("api", "redis://127.0.0.1:1", prefix, sentinel);
        worker = Node.start("worker", "redis://127.0.0.1:1", prefix, sentinel);
        worker.passes.millis = 10;
    }

    @AfterAll
    static void stop() {
        for (Node node : new Node[] {api, worker}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void thePrimaryKilledUnderLoadCostsSecondsOf503AndNoAcceptedJob() throws Exception {
        int firstPrimary = redis.currentPrimaryPort();
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        List<String> refusals = new CopyOnWriteArrayList<>();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        List<long[]> readiness = new CopyOnWriteArrayList<>(); // {nanos, status}
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 3; i++) {
            load.submit(() -> {
                while (loading.get()) {
                    try {
                        HttpResponse<String> response = http.submit(api, Map.of("batch-size", "32"));
                        if (response.statusCode() == 202) {
                            accepted.put(ClusterHttp.JSON.readTree(response.body()).path("id").asString(), Instant.now());
                        } else if (response.statusCode() == 503 && response.body().contains("\"type\"")) {
                            JsonNode problem = ClusterHttp.JSON.readTree(response.body());
                            refusals.add(problem.path("type").asString() + " " + problem.path("detail").asString());
                        } else {
                            unexpected.add(response.statusCode() + " " + response.body());
                        }
                        Thread.sleep(100);
                    } catch (Exception e) {
                        unexpected.add(e.toString());
                    }
                }
                return null;
            });
        }
        load.submit(() -> {
            while (loading.get()) {
                try {
                    readiness.add(new long[] {System.nanoTime(), http.status(api, "/actuator/health/readiness")});
                    Thread.sleep(100);
                } catch (Exception e) {
                    unexpected.add("readiness: " + e);
                }
            }
            return null;
        });

        Thread.sleep(3000);
        int acceptedBefore = accepted.size();
        Instant killedAt = Instant.now();
        long killed = System.nanoTime();
        redis.killPrimary();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (redis.currentPrimaryPort() == firstPrimary && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long promoted = System.nanoTime();
        assertThat(redis.currentPrimaryPort()).as("the sentinels promoted the replica").isEqualTo(redis.replicaPort());
        redis.restartOldPrimaryAsReplica();
        long replicaBack = System.nanoTime();
        int acceptedAtRestart = accepted.size();
        while (accepted.size() < acceptedAtRestart + 10 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1000);
        loading.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(unexpected).as("answers other than 202 or a 503 problem").isEmpty();
        assertThat(refusals).as("the refusals' problem types").isNotEmpty()
                .allMatch(type -> type.startsWith("/problems/backend-unavailable ") || type.startsWith("/problems/queue-full "));
        assertThat(accepted.size()).as("jobs accepted after the failover").isGreaterThan(acceptedAtRestart);

        // readiness: 503 in the gap, 200 again after it and at the end
        long firstDown = readiness.stream().filter(r -> r[0] > killed && r[1] == 503).mapToLong(r -> r[0]).min().orElse(-1);
        assertThat(firstDown).as("readiness went 503 after the kill").isPositive();
        long upAgain = readiness.stream().filter(r -> r[0] > firstDown && r[1] == 200).mapToLong(r -> r[0]).min().orElse(-1);
        assertThat(upAgain).as("readiness 200 again").isPositive();
        assertThat(readiness.get(readiness.size() - 1)[1]).isEqualTo(200);

        // no accepted job lost: each ends, and SUCCEEDED
        int waited = 0;
        Map<String, Integer> outcomes = new HashMap<>();
        for (String id : new ArrayList<>(accepted.keySet())) {
            JsonNode job = http.awaitFinal(api, id, WAIT);
            assertThat(job).as("job %s is known", id).isNotNull();
            String status = job.path("status").asString();
            outcomes.merge(status, 1, Integer::sum);
            assertThat(status).as("job %s", id).isEqualTo("SUCCEEDED");
            Instant submitted = Instant.parse(job.path("submittedAt").asString());
            Instant finished = Instant.parse(job.path("finishedAt").asString());
            if (submitted.isBefore(killedAt) && finished.isAfter(killedAt)) {
                waited++;
            }
        }
        assertThat(status(worker)).isEqualTo(200);
        System.out.printf("FailoverTest: readiness 503 for %.1f s (from %.1f s after the kill; the sentinels "
                + "promoted the replica %.1f s after it; old primary back as replica at %.1f s); submissions refused: "
                + "%d (%s); accepted %d (%d before the kill), completed %s, lost 0; %d jobs waited through the "
                + "failover%n", seconds(upAgain - firstDown), seconds(firstDown - killed), seconds(promoted - killed),
                seconds(replicaBack - killed), refusals.size(), summary(refusals), accepted.size(), acceptedBefore,
                outcomes, waited);
    }

    private int status(Node node) throws Exception {
        return http.status(node, "/actuator/health/readiness");
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static Map<String, Long> summary(List<String> types) {
        Map<String, Long> counts = new HashMap<>();
        // the problem type and the detail's first words: unreachable, or reached but no replica confirmed
        types.forEach(type -> counts.merge(String.join(" ", java.util.Arrays.asList(type.replace("/problems/", "")
                .split(" ")).subList(0, 4)), 1L, Long::sum));
        return counts;
    }
}
