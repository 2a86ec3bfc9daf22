package dev.scorecam.security;

/**
 * Where a client's concurrent-job slots are counted: in this process ({@link LocalSlots}) or in
 * Redis ({@link RedisSlots}), shared by every pod. A slot is a lease: held while its job is queued
 * or running, given back when the job ends, and, in Redis, lost by itself when the pod that holds
 * it stops renewing it (it died), so that slots never leak for longer than the lease lasts.
 */
interface JobSlots {

    /**
     * Takes one of {@code limit} slots under {@code key}.
     *
     * @return the lease, or null when all {@code limit} are held
     * @throws dev.scorecam.jobs.BackendUnavailableException when the slots (in Redis) cannot be reached
     */
    Lease take(String key, int limit);

    /** A slot held; {@link #release} gives it back (once is enough; more does nothing). */
    interface Lease {
        void release();
    }
}
