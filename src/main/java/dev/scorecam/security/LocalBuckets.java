package dev.scorecam.security;

import java.time.Duration;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * Buckets in this process: the limits hold per pod. A client unseen for an hour loses its bucket
 * (a full one is the same as a new one), so that many clients do not grow the map forever.
 */
final class LocalBuckets implements BucketStore {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofHours(1))
            .maximumSize(100_000)
            .build();

    @Override
    public Bucket bucket(String key, Supplier<BucketConfiguration> configuration) {
        return buckets.get(PREFIX + key, k -> {
            LocalBucketBuilder bucket = Bucket.builder();
            for (Bandwidth limit : configuration.get().getBandwidths()) {
                bucket.addLimit(limit);
            }
            return bucket.build();
        });
    }
}
