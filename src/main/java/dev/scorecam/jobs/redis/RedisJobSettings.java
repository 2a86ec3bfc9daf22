package dev.scorecam.jobs.redis;

import java.time.Duration;

/**
 * How the Redis job system behaves.
 *
 * @param keyPrefix the start of every key and channel name, so that several deployments (or
 *     tests) share one Redis without meeting
 * @param claimAfter a job whose worker has not been heard of for this long is taken by another
 *     worker; the worker's heartbeat comes three times as often
 * @param maxDeliveries workers that may take a job; when the last of them stops while computing it
 *     too, the job fails as abandoned
 * @param ttl how long a finished job and its result stay
 * @param waitForReplicas replicas that must hold a new job before it counts as accepted (Redis
 *     {@code WAIT}); 0 accepts a job once the primary has it, which a failover may lose
 * @param replicaTimeout how long a submission waits for them; a job they do not confirm in time is
 *     cancelled and refused as the backend being unavailable
 */
public record RedisJobSettings(String keyPrefix, Duration claimAfter, int maxDeliveries, Duration ttl,
        int waitForReplicas, Duration replicaTimeout) {

    public RedisJobSettings {
        if (keyPrefix.isBlank() || claimAfter.toMillis() < 30 || maxDeliveries < 1 || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("a key prefix, claim-after of 30 ms or more, max-deliveries of 1 or "
                    + "more and a positive ttl");
        }
        if (waitForReplicas < 0 || (waitForReplicas > 0 && replicaTimeout.toMillis() < 1)) {
            throw new IllegalArgumentException("replicas to wait for: 0 or more, with a positive timeout");
        }
    }

    /** Jobs accepted once the primary has them. */
    public RedisJobSettings(String keyPrefix, Duration claimAfter, int maxDeliveries, Duration ttl) {
        this(keyPrefix, claimAfter, maxDeliveries, ttl, 0, Duration.ZERO);
    }

    /**
     * How long a worker process's advertisement of the payload versions it reads counts: a few
     * seconds (never more than claim-after), so that the API notices soon that the last worker
     * able to read its jobs is gone; refreshed every third of it.
     */
    Duration advertisement() {
        Duration most = Duration.ofSeconds(6);
        return claimAfter.compareTo(most) < 0 ? claimAfter : most;
    }

    /** How long a node trusts what it last read of the advertisements: under a third of their life, at most 1 s. */
    Duration advertisementCache() {
        Duration third = advertisement().dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
    }

    /** How often a worker tells that it still computes its job. */
    Duration heartbeat() {
        return claimAfter.dividedBy(3);
    }
}
