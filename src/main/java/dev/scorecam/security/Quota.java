package dev.scorecam.security;

import java.time.Duration;

/**
 * One limit as a client sees it after a request: the IETF draft's quota policy ({@code q} units
 * per {@code w} seconds) and what is left of it ({@code r}, reset in {@code t} seconds).
 *
 * @param name the policy's name in the {@code RateLimit} headers: {@code requests},
 *     {@code requests-<model>}, {@code jobs} or {@code jobs-<model>}
 * @param limit units per window
 * @param window the window; for concurrent jobs none (a slot frees when a job ends)
 * @param remaining units left
 * @param reset when the next unit frees, at least a second; the hint of {@code Retry-After}
 */
public record Quota(String name, long limit, Duration window, long remaining, Duration reset) {

    /** {@code "requests";q=60;w=60} */
    String policy() {
        return '"' + name + "\";q=" + limit + (window == null ? "" : ";w=" + window.toSeconds());
    }

    /** {@code "requests";r=12;t=34} */
    String state() {
        return '"' + name + "\";r=" + remaining + ";t=" + seconds(reset);
    }

    static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    String describe() {
        return name.startsWith("jobs")
                ? "this client already has " + limit + " jobs queued or running (" + name + "); retry when one ends"
                : "this client made more than " + limit + " requests in " + window.toSeconds() + " s (" + name
                        + "); retry in " + seconds(reset) + " s";
    }
}
