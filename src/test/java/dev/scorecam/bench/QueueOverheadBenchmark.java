package dev.scorecam.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.github.benmanes.caffeine.cache.Ticker;

import io.lettuce.core.RedisClient;

import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.FakeWork;
import dev.scorecam.jobs.FakeWorkCodec;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.redis.ModelQueue;
import dev.scorecam.jobs.redis.RedisJobSettings;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * What the queue itself costs, without HTTP or a model: {@code calls} synchronous calls of a job
 * that does nothing (one progress report), one after another, through the in-memory system and
 * through Redis (API and worker in this JVM, Redis on loopback); prints p50/p99 of each. Not a
 * test; {@code java -cp ... dev.scorecam.jobs.QueueOverheadBenchmark [calls]} (it starts
 * redis-server itself, or uses SCORECAM_TEST_REDIS_URL).
 */
public final class QueueOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Computation<FakeWork, String> nothing = (work, progress) -> {
            progress.report(1, 1);
            return work.name();
        };
        JobSystem<FakeWork, String> memory = new InMemoryJobSystem<>(
                List.of(new JobQueue<>("m", 64, List.of(nothing), JobListener.NONE, Clock.systemUTC())),
                new JobStore<>(Duration.ofMinutes(1), 100, Ticker.systemTicker()), Clock.systemUTC());
        RedisServer redis = RedisServer.shared();
        RedisClient client = RedisJobSystem.client(redis.uri(), Duration.ofSeconds(5));
        RedisJobSettings settings = new RedisJobSettings("bench-" + System.nanoTime(), Duration.ofSeconds(30), 3,
                Duration.ofMinutes(1));
        RedisJobSystem<FakeWork, String> api = new RedisJobSystem<>(client, settings,
                List.of(new ModelQueue<FakeWork, String>("m", 64, List.of())), new FakeWorkCodec(), FakeWorkCodec.TEXT,
                JobListener.NONE, Clock.systemUTC());
        RedisJobSystem<FakeWork, String> worker = new RedisJobSystem<>(client, settings,
                List.of(new ModelQueue<>("m", 64, List.of(nothing))), new FakeWorkCodec(), FakeWorkCodec.TEXT,
                JobListener.NONE, Clock.systemUTC());
        try {
            System.out.println("| path | calls | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|---:|");
            for (int round = 0; round < 2; round++) { // the first round warms up, the second is printed
                report(round, "in memory", memory, calls);
                report(round, "Redis (API and worker nodes, loopback)", api, calls);
            }
        } finally {
            memory.shutdown(Duration.ofSeconds(1));
            api.close();
            worker.close();
            client.shutdown();
            redis.stop();
        }
    }

    private static void report(int round, String path, JobSystem<FakeWork, String> jobs, int calls) {
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            jobs.call("m", FakeWork.quick("j" + i), Duration.ofSeconds(10), JobError.timedOut(Duration.ofSeconds(10)));
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        if (round > 0) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", path, calls, millis[calls / 2],
                    millis[(int) Math.ceil(calls * 0.99) - 1]);
        }
    }
}
