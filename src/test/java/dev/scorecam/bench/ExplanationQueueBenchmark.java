package dev.scorecam.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import com.github.benmanes.caffeine.cache.Ticker;

import io.lettuce.core.RedisClient;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.explain.PreparedRequest;
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
import dev.scorecam.model.ModelPool;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.TorchEngine;
import dev.scorecam.queue.InMemoryJobsConfiguration;
import dev.scorecam.wire.ExplanationCodecs;

/**
 * The demo model's explanation through each job system in one JVM, without HTTP: what the Redis
 * path adds to a real job (queue round trips plus encoding the prepared input and the result),
 * apart from the cost of a second JVM. {@code calls} synchronous calls one after another, after
 * as many to warm up; prints p50/p99 and the payload sizes. Not a test.
 */
public final class ExplanationQueueBenchmark {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        ScoreCamProperties properties = TestProperties.cpu();
        ModelRegistry models = new ModelRegistry(properties, new TorchEngine(properties));
        Explainer explainer = new Explainer(models, properties);
        ModelPool pool = models.pool("fashion-cnn").orElseThrow();
        PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn",
                Files.readAllBytes(Path.of("samples/sneaker.png")), List.of(), null, null, null, null, Map.of(), false, 20, false));

        JobSystem<PreparedRequest, Explanation> memory = new InMemoryJobSystem<>(
                List.of(new JobQueue<>("fashion-cnn", 64, InMemoryJobsConfiguration.workers(pool, explainer),
                        JobListener.NONE, Clock.systemUTC())),
                new JobStore<>(Duration.ofMinutes(1), 100, Ticker.systemTicker()), Clock.systemUTC());
        RedisServer redis = RedisServer.shared();
        RedisClient client = RedisJobSystem.client(redis.uri(), Duration.ofSeconds(5));
        RedisJobSettings settings = new RedisJobSettings("bench-" + System.nanoTime(), Duration.ofSeconds(30), 3,
                Duration.ofMinutes(1));
        RedisJobSystem<PreparedRequest, Explanation> api = new RedisJobSystem<>(client, settings,
                List.of(new ModelQueue<PreparedRequest, Explanation>("fashion-cnn", 64, List.of())),
                ExplanationCodecs.works(models), ExplanationCodecs.results(models), JobListener.NONE, Clock.systemUTC());
        RedisJobSystem<PreparedRequest, Explanation> worker = new RedisJobSystem<>(client, settings,
                List.of(new ModelQueue<>("fashion-cnn", 64, InMemoryJobsConfiguration.workers(pool, explainer))),
                ExplanationCodecs.works(models), ExplanationCodecs.results(models), JobListener.NONE, Clock.systemUTC());
        try {
            Explanation one = memory.call("fashion-cnn", prepared, Duration.ofSeconds(60), JobError.timedOut(Duration.ofSeconds(60)));
            System.out.printf(Locale.ROOT, "payloads: prepared request %d bytes, explanation %d bytes (deflated)%n",
                    ExplanationCodecs.works(models).encode(prepared).length,
                    ExplanationCodecs.results(models).encode(one).length);
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                var works = ExplanationCodecs.works(models);
                var results = ExplanationCodecs.results(models);
                works.decode(works.encode(prepared));
                results.decode(results.encode(one));
            }
            System.out.printf(Locale.ROOT, "encoding and decoding both, per job: %.1f ms (mean of 100)%n",
                    (System.nanoTime() - start) / 1e6 / 100);
            System.out.println("| path | calls | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|---:|");
            for (int round = 0; round < 2; round++) {
                report(round, "in memory", memory, prepared, calls);
                report(round, "Redis (API and worker nodes in this JVM, loopback)", api, prepared, calls);
            }
        } finally {
            memory.shutdown(Duration.ofSeconds(1));
            api.close();
            worker.close();
            client.shutdown();
            redis.stop();
            models.close();
        }
    }

    private static void report(int round, String path, JobSystem<PreparedRequest, Explanation> jobs,
            PreparedRequest prepared, int calls) {
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            jobs.call("fashion-cnn", prepared, Duration.ofSeconds(60), JobError.timedOut(Duration.ofSeconds(60)));
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        if (round > 0) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f |%n", path, calls, millis[calls / 2],
                    millis[(int) Math.ceil(calls * 0.99) - 1]);
        }
    }
}
