package dev.scorecam.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Requests per window, per client: one bucket for all of a client's API requests and one per
 * model that has its own limit. A bucket holds the window's requests and is filled again, whole,
 * at the end of each window (Bucket4j's interval refill), which is what the {@code RateLimit}
 * headers describe: {@code q} per {@code w} seconds, {@code r} left, reset in {@code t}.
 */
final class RateLimiter {

    private final BucketStore buckets;
    private final SecurityProperties.Limits limits;

    RateLimiter(BucketStore buckets, SecurityProperties.Limits limits) {
        this.buckets = buckets;
        this.limits = limits;
    }

    boolean enabled() {
        return limits.requests() > 0 || limits.models().values().stream().anyMatch(m -> m.requests() > 0);
    }

    /**
     * Takes one request from each of the client's buckets that apply.
     *
     * @param model the model the request names in its path, or null
     * @return the quotas after this request, for the response's headers
     * @throws RateLimitedException when a bucket is empty; it says when it refills
     * @throws dev.scorecam.jobs.BackendUnavailableException when the buckets (in Redis) cannot be reached
     */
    List<Quota> request(String client, String model) {
        List<Quota> quotas = new ArrayList<>(2);
        if (limits.requests() > 0) {
            quotas.add(take("requests", "requests:" + client, limits.requests()));
        }
        if (model != null && limits.of(model).requests() > 0) {
            quotas.add(take("requests-" + model, "requests:" + client + ":" + model, limits.of(model).requests()));
        }
        return quotas;
    }

    private Quota take(String name, String key, int limit) {
        Duration window = limits.per();
        ConsumptionProbe probe = StoreOutage.reach(() -> buckets.bucket(key, () -> BucketConfiguration.builder()
                        .addLimit(Bandwidth.builder().capacity(limit).refillIntervally(limit, window).build())
                        .build())
                .tryConsumeAndReturnRemaining(1));
        if (!probe.isConsumed()) {
            throw new RateLimitedException(new Quota(name, limit, window, 0, Duration.ofNanos(probe.getNanosToWaitForRefill())));
        }
        return new Quota(name, limit, window, probe.getRemainingTokens(), Duration.ofNanos(probe.getNanosToWaitForReset()));
    }
}
