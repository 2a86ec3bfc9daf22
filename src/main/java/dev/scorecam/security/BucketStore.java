package dev.scorecam.security;

import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/**
 * Where the clients' token buckets live: in this process ({@link LocalBuckets}) or in Redis
 * ({@link RedisBuckets}), shared by every pod. A bucket is made with its configuration on first use.
 */
interface BucketStore {

    /** Every key starts with this, so that the buckets are easy to find (and flush) in Redis. */
    String PREFIX = "scorecam:limits:";

    Bucket bucket(String key, Supplier<BucketConfiguration> configuration);
}
