package dev.scorecam.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/**
 * Concurrent jobs per client, in all and per model: a bucket of slots, one taken when a job is
 * queued and given back when it ends. With Redis the slots are shared by every pod. A pod that
 * dies with jobs never gives theirs back, so a bucket also refills slowly on its own
 * ({@link #LEAK_REFILL}): a lost slot returns within the hour; a job that runs that long may let
 * its client start one more than the limit.
 */
public final class JobQuota {

    /** Slots lost with a pod come back over this time. */
    static final Duration LEAK_REFILL = Duration.ofHours(1);
    /** When to try again: the limit frees when one of the client's jobs ends, which nobody knows. */
    static final Duration RETRY_HINT = Duration.ofSeconds(5);


    private final BucketStore buckets;
    private final SecurityProperties.Limits limits;

    JobQuota(BucketStore buckets, SecurityProperties.Limits limits) {
        this.buckets = buckets;
        this.limits = limits;
    }

    /** A job's slots; closing gives them back, once. */
    @FunctionalInterface
    public interface Permit extends AutoCloseable {

        /** What a client without limits holds: nothing to give back. */
        Permit NONE = () -> {};

        @Override
        void close();
    }

    /**
     * Takes a slot of the client's jobs, and of its jobs on this model where the model has a limit.
     *
     * @throws RateLimitedException when the client has as many jobs as it may
     * @throws dev.scorecam.jobs.BackendUnavailableException when the buckets (in Redis) cannot be reached
     */
    public Permit acquire(String client, String model) {
        if (limits.concurrentJobs() <= 0 && limits.of(model).concurrentJobs() <= 0) {
            return Permit.NONE;
        }
        Permit all = take("jobs", "jobs:" + client, limits.concurrentJobs());
        try {
            Permit own = take("jobs-" + model, "jobs:" + client + ":" + model, limits.of(model).concurrentJobs());
            return once(() -> {
                own.close();
                all.close();
            });
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
    }

    private Permit take(String name, String key, int limit) {
        if (limit <= 0) {
            return Permit.NONE;
        }
        Bucket bucket = buckets.bucket(key, () -> BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, LEAK_REFILL).build())
                .build());
        if (!StoreOutage.reach(() -> bucket.tryConsume(1))) {
            throw new RateLimitedException(new Quota(name, limit, null, 0, RETRY_HINT));
        }
        return once(() -> bucket.addTokens(1));
    }

    private static Permit once(Runnable release) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        };
    }
}
