package dev.scorecam.security;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The IETF httpapi draft's {@code RateLimit-Policy} and {@code RateLimit} fields (structured field
 * lists, one item per quota), e.g. {@code RateLimit-Policy: "requests";q=60;w=60} and
 * {@code RateLimit: "requests";r=59;t=60}.
 */
final class RateLimitHeaders {

    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private RateLimitHeaders() {}

    static Map<String, String> of(List<Quota> quotas) {
        if (quotas.isEmpty()) {
            return Map.of();
        }
        return Map.of(
                POLICY, quotas.stream().map(Quota::policy).collect(Collectors.joining(", ")),
                STATE, quotas.stream().map(Quota::state).collect(Collectors.joining(", ")));
    }
}
