package dev.scorecam.security;

import static dev.scorecam.security.Http.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;

import dev.scorecam.ServerTest;

/**
 * Requests per window over HTTP, with a window of two seconds so that waiting for it is short:
 * the RateLimit headers count down, the request over the limit is 429 with Retry-After, and a
 * retry after that long passes. Each client has its own bucket.
 */
@ServerTest
@TestPropertySource(properties = {
        "scorecam.security.mode=api-key",
        "scorecam.security.api-keys.alice=" + TestKeys.ALICE_SHA256,
        "scorecam.security.api-keys.bob=" + TestKeys.BOB_SHA256,
        "scorecam.security.limits.requests=3",
        "scorecam.security.limits.per=2s"})
class RateLimitServerTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void overTheLimitIs429UntilRetryAfterHasPassed() throws InterruptedException {
        Http http = new Http(port);
        String series = "scorecam_requests_rejected_total{reason=\"rate-limited\"}";
        double rejectedBefore = Http.sample(prometheus(http), series);

        // The window starts with the first request; all four go out well within two seconds.
        HttpResponse<String> first = http.get("/v1/models", "X-API-Key", TestKeys.ALICE);
        http.get("/v1/models", "X-API-Key", TestKeys.ALICE);
        HttpResponse<String> third = http.get("/v1/models", "X-API-Key", TestKeys.ALICE);
        HttpResponse<String> fourth = http.get("/v1/models", "X-API-Key", TestKeys.ALICE);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"requests\";q=3;w=2");
        assertThat(first.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"requests\";r=2;t=");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"requests\";r=0;t=");
        assertProblem(fourth, 429, "rate-limited");
        long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(fourth.headers().firstValue("RateLimit-Policy")).hasValue("\"requests\";q=3;w=2");
        assertThat(fourth.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"requests\";r=0;t=");

        // Another client is not held back by Alice's requests.
        assertThat(http.get("/v1/models", "X-API-Key", TestKeys.BOB).statusCode()).isEqualTo(200);

        Thread.sleep(retryAfter * 1000);
        HttpResponse<String> retry = http.get("/v1/models", "X-API-Key", TestKeys.ALICE);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(retry.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"requests\";r=2;t=");
        assertThat(Http.sample(prometheus(http), series)).isEqualTo(rejectedBefore + 1);
    }

    /** The actuator is no API request: it does not count against the limit (nor is it limited). */
    private static String prometheus(Http http) {
        HttpResponse<String> response = http.get("/actuator/prometheus", "X-API-Key", TestKeys.BOB);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
