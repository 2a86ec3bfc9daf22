package dev.scorecam.security;

import java.util.function.Supplier;

import io.lettuce.core.RedisException;

import dev.scorecam.jobs.BackendUnavailableException;

/**
 * Buckets in Redis (the Redis job backend) are out of reach while Redis is: that is the job
 * store being unavailable, a 503 the client may retry, not a server error.
 */
final class StoreOutage {

    private StoreOutage() {}

    /** Runs a bucket operation; a Redis failure anywhere in its causes becomes backend-unavailable. */
    static <T> T reach(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof RedisException) {
                    throw new BackendUnavailableException(e);
                }
            }
            throw e;
        }
    }
}
