package dev.scorecam.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.scorecam.ScoreCamApplication;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.redis.RedisJobSystem;
import dev.scorecam.model.ForwardPassListener;

/**
 * One instance of the service in the test JVM, an application context of its own on a random
 * port, in a role, on a shared Redis. Its forward passes are counted where they happen (and may
 * be slowed down, so that a test can catch a job in the middle).
 */
final class Node implements AutoCloseable {

    final String role;
    final ConfigurableApplicationContext context;
    final Passes passes;
    final int port;

    /** Counts the images run through the network on this node; sleeps {@code millis} per pass. */
    static final class Passes implements ForwardPassListener {
        final AtomicLong images = new AtomicLong();
        volatile long millis;

        @Override
        public void forwardPass(String model, long batchSize) {
            images.addAndGet(batchSize);
            if (millis > 0) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Node(String role, ConfigurableApplicationContext context, Passes passes) {
        this.role = role;
        this.context = context;
        this.passes = passes;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    static Node start(String role, String redisUrl, String prefix, Map<String, String> extra) {
        return start(role, redisUrl, prefix, extra, context -> {});
    }

    /** @param beans registers beans of the test's own in the node's context before it starts */
    static Node start(String role, String redisUrl, String prefix, Map<String, String> extra,
            Consumer<GenericApplicationContext> beans) {
        Passes passes = new Passes();
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "spring.main.banner-mode=off",
                "scorecam.role=" + role,
                "scorecam.queue.backend=redis",
                "spring.data.redis.url=" + redisUrl,
                "spring.data.redis.timeout=2s",
                "scorecam.redis.key-prefix=" + prefix,
                "scorecam.redis.claim-after=2s",
                "scorecam.engine.warmup-passes=0",
                "scorecam.models.fashion-cnn.batch-size=64",
                "scorecam.shutdown-grace=5s"));
        // an extra setting replaces the default of the same name (repeated arguments would join as a list)
        properties.removeIf(property -> extra.containsKey(property.substring(0, property.indexOf('='))));
        extra.forEach((key, value) -> properties.add(key + "=" + value));
        // as arguments: default properties would lose to application.yml
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ScoreCamApplication.class)
                .initializers(c -> ((GenericApplicationContext) c).registerBean("countedForwardPasses",
                        ForwardPassListener.class, () -> passes, definition -> definition.setPrimary(true)),
                        c -> beans.accept((GenericApplicationContext) c))
                .run(properties.stream().map(property -> "--" + property).toArray(String[]::new));
        return new Node(role, context, passes);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @SuppressWarnings("unchecked")
    RedisJobSystem<?, ?> jobSystem() {
        return (RedisJobSystem<?, ?>) context.getBean(JobSystem.class);
    }

    /** As a crash would: the job system stops where it is (no end written, nothing given back), then the context closes. */
    void kill() {
        jobSystem().halt();
        context.close();
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }

    @Override
    public String toString() {
        return role + ":" + port;
    }
}
