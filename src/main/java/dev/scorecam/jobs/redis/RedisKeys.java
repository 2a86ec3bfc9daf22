package dev.scorecam.jobs.redis;

import java.util.UUID;

/**
 * Where things are in Redis, under one prefix ({@code scorecam} by default). The scripts build
 * the same names ({@link Scripts}).
 * <ul>
 * <li>{@code P:queue:<model>} stream, one entry per queued job ({@code job=<id>}), consumer group
 *     {@value #GROUP}; an entry is pending while a worker computes it
 * <li>{@code P:waiting:<model>} sorted set of the waiting jobs' ids in arrival order: the
 *     cluster-wide queue length and each job's place
 * <li>{@code P:running:<model>} set of running jobs' ids; {@code P:workers:<model>} sorted set of
 *     workers by the time their last heartbeat stops counting; {@code P:stats:<model>} mean
 *     compute time, for Retry-After; {@code P:readers:<model>} sorted set of worker processes with
 *     the payload versions they read, by the time their advertisement stops counting ({@link PayloadReaders})
 * <li>{@code P:job:<id>} hash: the job's state (with its owner); {@code P:work:<id>} its work until it ends;
 *     {@code P:result:<id>} its result. Finished jobs and results expire after the job ttl.
 * <li>channel {@code P:events}: {@code <id> progress <done> <total>}, {@code <id> partial <done> <total> <result>}
 *     (the partial result encoded as a result is) and {@code <id> end}
 * </ul>
 */
record RedisKeys(String prefix) {

    static final String GROUP = "workers";

    String queue(String model) {
        return prefix + ":queue:" + model;
    }

    String waiting(String model) {
        return prefix + ":waiting:" + model;
    }

    String running(String model) {
        return prefix + ":running:" + model;
    }

    String workers(String model) {
        return prefix + ":workers:" + model;
    }

    String readers(String model) {
        return prefix + ":readers:" + model;
    }

    String stats(String model) {
        return prefix + ":stats:" + model;
    }

    String job(UUID id) {
        return prefix + ":job:" + id;
    }

    String events() {
        return prefix + ":events";
    }
}
