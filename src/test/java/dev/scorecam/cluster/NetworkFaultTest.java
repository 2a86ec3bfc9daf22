package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * Faults injected between the nodes and Redis (a NetCrusher proxy per node): an API node and
 * worker A each behind a faulty link, worker B direct. Under a mixed load (asynchronous jobs,
 * some followed by SSE, synchronous explanations, polls) the links get latency, then their
 * connections reset again and again mid-command, then worker A's link frozen for longer than
 * claim-after while it computes, then the API's. Throughout: every answer is 200, 202, 503 or 504,
 * each error a problem body, none slower than the request timeout and a margin; every accepted
 * job ends SUCCEEDED, or FAILED or CANCELLED with its reason; no job ends twice (its end is
 * published once, heard on a direct connection to Redis); every SSE client gets its final status.
 */
@Tag(ServerTest.SLOW)
class NetworkFaultTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration CLAIM_AFTER = Duration.ofSeconds(2);
    /** What a request may take beyond the request timeout: a command timeout and the answer's way back. */
    private static final Duration MARGIN = Duration.ofSeconds(4);
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 503, 504);

    private static RedisServer redis;
    private static FaultyLink apiLink;
    private static FaultyLink workerLink;
    private static Node api;
    private static Node workerA;
    private static Node workerB;
    private static RedisClient observer;
    private static StatefulRedisPubSubConnection<String, String> ends;
    private static final Map<String, AtomicInteger> endsHeard = new ConcurrentHashMap<>();
    private static String prefix;

    private final ClusterHttp http = new ClusterHttp(REQUEST_TIMEOUT.plus(MARGIN));
    private final List<String> wrong = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<List<String>> followed = new CopyOnWriteArrayList<>();
    private volatile long slowestMillis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.ownProcess(false);
        int port = redis.uri().getPort();
        apiLink = new FaultyLink(port);
        workerLink = new FaultyLink(port);
        prefix = "faults-" + UUID.randomUUID();
        observer = RedisClient.create(redis.uri());
        ends = observer.connectPubSub();
        ends.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                String[] parts = message.split(" ");
                if (parts.length == 2 && parts[1].equals("end")) {
                    endsHeard.computeIfAbsent(parts[0], id -> new AtomicInteger()).incrementAndGet();
                }
            }
        });
        ends.sync().subscribe(prefix + ":events");
        Map<String, String> settings = Map.of(
                "spring.data.redis.timeout", "1s",
                "scorecam.redis.claim-after", CLAIM_AFTER.toMillis() + "ms",
                "scorecam.request-timeout", REQUEST_TIMEOUT.toSeconds() + "s",
                // Lettuce tells each reset connection at INFO; here they are the point
                "logging.level.io.lettuce.core.protocol.CommandHandler", "warn");
        api = Node.start("api", apiLink.url(), prefix, settings);
        workerA = Node.start("worker", workerLink.url(), prefix, settings);
        workerB = Node.start("worker", redis.url(), prefix, settings);
    }

    @AfterAll
    static void stop() {
        for (Node node : new Node[] {api, workerA, workerB}) {
            if (node != null) {
                node.close();
            }
        }
        for (AutoCloseable closeable : new AutoCloseable[] {apiLink, workerLink}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
        if (ends != null) {
            ends.close();
            observer.shutdown();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void latencyResetsAndFrozenLinksNeverAnswer500NorHangNorLoseOrRepeatAJob() throws Exception {
        workerA.passes.millis = 40;
        workerB.passes.millis = 40;
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            load.submit(() -> {
                for (int i = thread; loading.get(); i++) {
                    step(i);
                }
                return null;
            });
        }

        Thread.sleep(2000);
        // 1. latency: 50 ms each way on every buffer
        apiLink.latency(Duration.ofMillis(50));
        workerLink.latency(Duration.ofMillis(50));
        Thread.sleep(4000);
        apiLink.latency(Duration.ZERO);
        workerLink.latency(Duration.ZERO);

        // 2. connections reset mid-command, every 300 ms for 4 s
        int resets = 0;
        for (long until = System.nanoTime() + Duration.ofSeconds(4).toNanos(); System.nanoTime() < until; resets++) {
            apiLink.reset();
            workerLink.reset();
            Thread.sleep(300);
        }

        // 3. worker A's link frozen for longer than claim-after while it computes: worker B takes its job
        workerA.passes.millis = 300;
        workerB.passes.millis = 300; // busy with a slow job of its own, so that a next one goes to worker A
        long computedBefore = workerA.passes.images.get();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (workerA.passes.images.get() == computedBefore && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(workerA.passes.images.get()).as("worker A computing when its link froze").isGreaterThan(computedBefore);
        workerB.passes.millis = 40;
        workerLink.freeze();
        Thread.sleep(CLAIM_AFTER.multipliedBy(2).toMillis() + 500);
        workerLink.unfreeze();
        workerA.passes.millis = 40;

        // 4. the API's link frozen for longer than claim-after: requests answer 503 or wait, none hangs
        apiLink.freeze();
        Thread.sleep(CLAIM_AFTER.multipliedBy(2).toMillis());
        apiLink.unfreeze();

        Thread.sleep(3000);
        loading.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(wrong).as("answers that are not 200/202/503/504 with a problem, or came too late").isEmpty();
        int succeeded = 0;
        int endedOtherwise = 0;
        for (String id : accepted) {
            JsonNode job = http.awaitFinal(api, id, Duration.ofSeconds(60));
            assertThat(job).as("job %s is known", id).isNotNull();
            String status = job.path("status").asString();
            assertThat(status).as("job %s ended", id).isIn("SUCCEEDED", "FAILED", "CANCELLED");
            if (status.equals("SUCCEEDED")) {
                succeeded++;
            } else {
                endedOtherwise++;
                assertThat(job.path("error").path("type").asString()).as("job %s has its reason", id).isNotBlank();
            }
        }
        Thread.sleep(500); // the last ends' messages on their way to the observer
        assertThat(endsHeard).as("ends published per job").allSatisfy((id, count) -> assertThat(count.get()).as(id).isEqualTo(1));
        for (String id : accepted) {
            assertThat(endsHeard).as("the end of accepted job %s was published", id).containsKey(id);
        }
        int taken = takenOver();
        assertThat(taken).as("jobs another worker took over (deliveries > 1): the one frozen on worker A").isPositive();
        for (List<String> events : followed) {
            assertThat(events).as("an SSE client's events").isNotEmpty();
            assertThat(events.get(events.size() - 1)).as("the SSE client's last event").startsWith("status")
                    .containsAnyOf("\"SUCCEEDED\"", "\"FAILED\"", "\"CANCELLED\"");
        }
        System.out.printf("NetworkFaultTest: answers %s; %d async jobs accepted: %d SUCCEEDED, %d ended otherwise; "
                + "%d jobs ended in all, each once, %d of them taken over from a worker gone quiet; %d SSE clients all "
                + "got their final event; %d resets; slowest answer %d ms (request timeout %d ms)%n", statuses,
                accepted.size(), succeeded, endedOtherwise, endsHeard.size(), taken, followed.size(), resets,
                slowestMillis, REQUEST_TIMEOUT.toMillis());
    }

    /** Jobs whose hash counts more than one delivery: a worker took over from another. */
    private static int takenOver() {
        try (var connection = observer.connect()) {
            int taken = 0;
            for (String id : endsHeard.keySet()) {
                String deliveries = connection.sync().hget(prefix + ":job:" + id, "deliveries");
                if (deliveries != null && Integer.parseInt(deliveries) > 1) {
                    taken++;
                }
            }
            return taken;
        }
    }

    /** One request of the mixed load: submit (every fourth followed by SSE), explain synchronously, or poll. */
    private void step(int i) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response;
            switch (i % 3) {
                case 0 -> {
                    response = http.submit(api, Map.of("batch-size", "16"));
                    if (response.statusCode() == 202) {
                        String id = ClusterHttp.JSON.readTree(response.body()).path("id").asString();
                        accepted.add(id);
                        if (i % 4 == 0) {
                            record(response, start);
                            long following = System.nanoTime();
                            List<String> events = http.events(api, id);
                            if (events.size() == 1 && events.get(0).startsWith("http ")) {
                                refusedStream(events.get(0), following);
                                return; // refused before it began (the queue was away): an answer like any other
                            }
                            followed.add(events);
                            if (events.contains("hang")) {
                                wrong.add("SSE of " + id + " never ended: " + events);
                            }
                            slowest(following);
                            return;
                        }
                    }
                }
                case 1 -> response = http.explain(api, Map.of("batch-size", "16"));
                default -> {
                    if (accepted.isEmpty()) {
                        return;
                    }
                    response = http.get(api, "/v1/jobs/" + accepted.get(i % accepted.size()));
                }
            }
            record(response, start);
        } catch (Exception e) {
            wrong.add("no answer within " + REQUEST_TIMEOUT.plus(MARGIN).toSeconds() + " s: " + e);
        }
    }

    /** "http STATUS BODY": the event stream refused, counted as an answer. */
    private void refusedStream(String line, long start) {
        long millis = slowest(start);
        String[] parts = line.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (status != 503 || !parts[2].contains("\"type\"")) {
            wrong.add("events: " + line);
        }
        if (millis > REQUEST_TIMEOUT.plus(MARGIN).toMillis()) {
            wrong.add("events: " + status + " after " + millis + " ms");
        }
    }

    private void record(HttpResponse<String> response, long start) {
        long millis = slowest(start);
        int status = response.statusCode();
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (!ANSWERS.contains(status)) {
            wrong.add(status + " " + response.uri().getPath() + " " + response.body());
        } else if (status >= 400 && !response.body().contains("\"type\"")) {
            wrong.add(status + " without a problem body: " + response.body());
        }
        if (millis > REQUEST_TIMEOUT.plus(MARGIN).toMillis()) {
            wrong.add(status + " " + response.uri().getPath() + " after " + millis + " ms");
        }
    }

    private long slowest(long start) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        synchronized (this) {
            slowestMillis = Math.max(slowestMillis, millis);
        }
        return millis;
    }
}
