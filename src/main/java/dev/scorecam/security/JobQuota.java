package dev.scorecam.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent jobs per client, in all and per model: a slot taken when a job is queued and given
 * back when it ends. With Redis the slots are leases shared by every pod ({@link RedisSlots}): a
 * pod that dies holding some stops renewing them, and they come back within claim-after.
 */
public final class JobQuota {

    /** When to try again: the limit frees when one of the client's jobs ends, which nobody knows. */
    static final Duration RETRY_HINT = Duration.ofSeconds(5);

    private final JobSlots slots;
    private final SecurityProperties.Limits limits;

    JobQuota(JobSlots slots, SecurityProperties.Limits limits) {
        this.slots = slots;
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
        JobSlots.Lease lease = slots.take(key, limit);
        if (lease == null) {
            throw new RateLimitedException(new Quota(name, limit, null, 0, RETRY_HINT));
        }
        return once(lease::release);
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
