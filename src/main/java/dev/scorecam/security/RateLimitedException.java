package dev.scorecam.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/** A client over one of its limits; {@link #retryAfter()} says when the next request may pass. */
public class RateLimitedException extends ProblemException {

    private final transient Quota quota;

    public RateLimitedException(Quota quota) {
        super(ProblemType.RATE_LIMITED, quota.describe());
        this.quota = quota;
    }

    /** Over the client's requests per window ({@code requests} policy), free again in {@code reset}. */
    public static RateLimitedException requests(int limit, Duration window, Duration reset) {
        return new RateLimitedException(new Quota("requests", limit, window, 0, reset));
    }

    public Duration retryAfter() {
        return quota.reset();
    }

    /** {@code Retry-After} in whole seconds, and the limit that was hit as the IETF draft's headers. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(Quota.seconds(quota.reset())));
        headers.putAll(RateLimitHeaders.of(List.of(quota)));
        return headers;
    }
}
