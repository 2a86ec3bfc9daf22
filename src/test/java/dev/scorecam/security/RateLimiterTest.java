package dev.scorecam.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The limits on buckets in this process: counts, refusals, what the headers say. */
class RateLimiterTest {

    static SecurityProperties.Limits limits(int requests, Duration per, int jobs, Map<String, SecurityProperties.ModelLimits> models) {
        return new SecurityProperties.Limits(requests, per, jobs, models);
    }

    @Test
    void aClientGetsItsRequestsPerWindowThenA429UntilTheWindowEnds() {
        RateLimiter limiter = new RateLimiter(new LocalBuckets(), limits(3, Duration.ofMinutes(1), 0, Map.of()));

        List<Quota> first = limiter.request("alice", null);
        limiter.request("alice", null);
        List<Quota> third = limiter.request("alice", null);

        assertThat(first).singleElement().satisfies(q -> assertThat(q.remaining()).isEqualTo(2));
        assertThat(third).singleElement().satisfies(q -> assertThat(q.remaining()).isZero());
        assertThat(RateLimitHeaders.of(third)).containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60");
        assertThat(RateLimitHeaders.of(third).get("RateLimit")).matches("\"requests\";r=0;t=(59|60)");
        assertThatThrownBy(() -> limiter.request("alice", null))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(58), Duration.ofSeconds(60));
                    assertThat(e.headers()).containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60")
                            .containsKey("RateLimit");
                    assertThat(e.headers().get("Retry-After")).matches("59|60");
                    assertThat(e.detail()).contains("more than 3 requests in 60 s");
                });
        assertThat(limiter.request("bob", null)).singleElement().satisfies(q -> assertThat(q.remaining()).isEqualTo(2));
    }

    @Test
    void aModelsOwnLimitCountsOnlyRequestsForIt() {
        RateLimiter limiter = new RateLimiter(new LocalBuckets(),
                limits(0, Duration.ofMinutes(1), 0, Map.of("resnet", new SecurityProperties.ModelLimits(1, 0))));

        assertThat(limiter.enabled()).isTrue();
        assertThat(limiter.request("alice", "resnet")).extracting(Quota::name).containsExactly("requests-resnet");
        assertThat(limiter.request("alice", "fashion-cnn")).isEmpty();
        assertThat(limiter.request("alice", null)).isEmpty();
        assertThatThrownBy(() -> limiter.request("alice", "resnet")).isInstanceOf(RateLimitedException.class);
        assertThat(limiter.request("bob", "resnet")).hasSize(1);
    }

    @Test
    void noLimitsNoBuckets() {
        RateLimiter limiter = new RateLimiter(new LocalBuckets(), limits(0, Duration.ofMinutes(1), 0, Map.of()));
        assertThat(limiter.enabled()).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.request("alice", "m")).isEmpty();
        }
    }

    @Test
    void concurrentJobsAreSlotsTakenAndGivenBackOnce() {
        JobQuota quota = new JobQuota(new LocalSlots(),
                limits(0, Duration.ofMinutes(1), 2, Map.of("resnet", new SecurityProperties.ModelLimits(0, 1))));

        JobQuota.Permit one = quota.acquire("alice", "fashion-cnn");
        JobQuota.Permit two = quota.acquire("alice", "resnet");
        assertThatThrownBy(() -> quota.acquire("alice", "fashion-cnn"))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.detail()).contains("already has 2 jobs");
                    assertThat(e.headers()).containsEntry("RateLimit-Policy", "\"jobs\";q=2")
                            .containsEntry("Retry-After", "5");
                });
        JobQuota.Permit bobs = quota.acquire("bob", "fashion-cnn");

        one.close();
        one.close(); // a second close gives nothing back twice
        // The model's own limit (1) holds while the global one has room again.
        assertThatThrownBy(() -> quota.acquire("alice", "resnet"))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.detail()).contains("jobs-resnet"));
        JobQuota.Permit three = quota.acquire("alice", "fashion-cnn");
        assertThatThrownBy(() -> quota.acquire("alice", "fashion-cnn")).isInstanceOf(RateLimitedException.class);

        two.close();
        three.close();
        bobs.close();
        quota.acquire("alice", "resnet").close();
        quota.acquire("alice", "fashion-cnn");
        quota.acquire("alice", "fashion-cnn");
    }

    @Test
    void aModelRefusalGivesTheGlobalSlotBack() {
        JobQuota quota = new JobQuota(new LocalSlots(),
                limits(0, Duration.ofMinutes(1), 2, Map.of("resnet", new SecurityProperties.ModelLimits(0, 1))));
        quota.acquire("alice", "resnet");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> quota.acquire("alice", "resnet")).isInstanceOf(RateLimitedException.class);
        }
        quota.acquire("alice", "fashion-cnn"); // the refusals above took no global slot
    }

    @Test
    void theModelInThePath() {
        assertThat(RateLimitFilter.model("/v1/models/fashion-cnn/explanations")).isEqualTo("fashion-cnn");
        assertThat(RateLimitFilter.model("/v1/models/fashion-cnn")).isEqualTo("fashion-cnn");
        assertThat(RateLimitFilter.model("/v1/models/fashion-cnn:explain")).isEqualTo("fashion-cnn");
        assertThat(RateLimitFilter.model("/v2/models/fashion-cnn/ready")).isEqualTo("fashion-cnn");
        assertThat(RateLimitFilter.model("/v2/health/ready")).isNull();
        assertThat(RateLimitFilter.model("/v1/models/a%20b/explanations")).isEqualTo("a b");
        assertThat(RateLimitFilter.model("/v1/models/%zz/explanations")).isEqualTo("%zz");
        assertThat(RateLimitFilter.model("/v1/models")).isNull();
        assertThat(RateLimitFilter.model("/v1/models/")).isNull();
        assertThat(RateLimitFilter.model("/v1/jobs")).isNull();
    }
}
