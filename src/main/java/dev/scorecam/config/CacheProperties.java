package dev.scorecam.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The answer cache (docs/api.md, "Caching"): an identical synchronous request is answered from it,
 * with a strong ETag. In this process with the memory backend, in Redis with the Redis backend.
 *
 * @param enabled whether identical requests are answered from the cache and answers carry an ETag
 *     (If-None-Match then gets 304); false computes every request
 * @param ttl how long an answer stays cached after it was computed
 * @param maxSize the most bytes of answers kept (in this process, or in Redis with that backend);
 *     the oldest go first, and an answer larger than this is not kept
 */
@Validated
@ConfigurationProperties("scorecam.cache")
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") @NotNull Duration ttl,
        @DefaultValue("64MB") @NotNull DataSize maxSize) {}
