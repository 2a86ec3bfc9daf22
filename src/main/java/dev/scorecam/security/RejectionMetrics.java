package dev.scorecam.security;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * {@code scorecam.requests.rejected} ({@code scorecam_requests_rejected_total} in Prometheus),
 * tagged by a reason from a fixed set, never by key or client: a dashboard sees a flood of bad
 * keys or a client over its quota without learning who.
 */
@Component
class RejectionMetrics {

    enum Reason { UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    RejectionMetrics(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("scorecam.requests.rejected")
                    .description("API requests refused before any work: no or bad credentials, not allowed, over a limit")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .register(registry));
        }
    }

    void rejected(Reason reason) {
        counters.get(reason).increment();
    }
}
