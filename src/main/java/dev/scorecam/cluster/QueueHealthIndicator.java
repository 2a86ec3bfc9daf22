package dev.scorecam.cluster;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import dev.scorecam.config.ScaleOutProperties;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.redis.RedisJobSystem;

/**
 * {@code queue} in the readiness group: with the Redis queue, UP while Redis answers and DOWN
 * while it does not (an API instance would answer 503 backend-unavailable to every job); the
 * in-memory queue is always there.
 */
@Component("queue")
class QueueHealthIndicator implements HealthIndicator {

    private final JobSystem<?, ?> jobs;
    private final ScaleOutProperties scaleOut;

    QueueHealthIndicator(JobSystem<?, ?> jobs, ScaleOutProperties scaleOut) {
        this.jobs = jobs;
        this.scaleOut = scaleOut;
    }

    @Override
    public Health health() {
        Health.Builder health = jobs instanceof RedisJobSystem<?, ?> redis
                ? (redis.reachable() ? Health.up() : Health.down().withDetail("reason", "Redis does not answer"))
                : Health.up();
        return health.withDetail("backend", scaleOut.queue().backend().name().toLowerCase())
                .withDetail("role", scaleOut.role().name().toLowerCase())
                .build();
    }
}
