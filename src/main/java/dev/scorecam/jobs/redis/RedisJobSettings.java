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
 */
public record RedisJobSettings(String keyPrefix, Duration claimAfter, int maxDeliveries, Duration ttl) {

    public RedisJobSettings {
        if (keyPrefix.isBlank() || claimAfter.toMillis() < 30 || maxDeliveries < 1 || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("a key prefix, claim-after of 30 ms or more, max-deliveries of 1 or "
                    + "more and a positive ttl");
        }
    }

    /** How often a worker tells that it still computes its job. */
    Duration heartbeat() {
        return claimAfter.dividedBy(3);
    }
}
