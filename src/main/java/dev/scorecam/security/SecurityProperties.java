package dev.scorecam.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API and how much ({@code scorecam.security.*}). See docs/security.md.
 *
 * @param mode {@code none} (the default: the API is open), {@code api-key} or {@code jwt}
 * @param apiKeys keys beside the file's, client name to the SHA-256 of its key in hex (e.g. from
 *     {@code SCORECAM_SECURITY_APIKEYS_ALICE}: Spring Boot drops the dash of {@code api-keys} in environment names)
 * @param apiKeysFile lines {@code name:sha256hex}, one key a line ({@code #} comments); read at start-up
 * @param jwt how a token names its client
 * @param limits what one client may ask for
 */
@Validated
@ConfigurationProperties("scorecam.security")
public record SecurityProperties(
        @DefaultValue("none") @NotNull Mode mode,
        Path apiKeysFile,
        @DefaultValue Map<String, String> apiKeys,
        @DefaultValue @Valid Jwt jwt,
        @DefaultValue @Valid Limits limits) {

    public enum Mode { NONE, API_KEY, JWT }

    /**
     * @param clientClaim the claim that names the client: its jobs, its limits
     * @param requiredScope when set, a token without this scope gets 403
     */
    public record Jwt(@DefaultValue("sub") @NotBlank String clientClaim, String requiredScope) {}

    /**
     * Per client; 0 is no limit. With the Redis job backend the counts are kept in Redis, so that
     * they hold across every pod; otherwise each pod counts its own.
     *
     * @param requests API requests a client may make per {@code per}
     * @param per the window of {@code requests}: a minute, shorter in tests
     * @param concurrentJobs jobs (synchronous or not) a client may have queued or running at once
     * @param models the same limits for one model, on top of the global ones
     */
    public record Limits(
            @DefaultValue("0") @Min(0) int requests,
            @DefaultValue("1m") @NotNull Duration per,
            @DefaultValue("0") @Min(0) int concurrentJobs,
            @DefaultValue Map<String, @Valid ModelLimits> models) {

        public ModelLimits of(String model) {
            return models.getOrDefault(model, new ModelLimits(0, 0));
        }
    }

    /** A model's own limits per client; 0 is none. */
    public record ModelLimits(@DefaultValue("0") @Min(0) int requests, @DefaultValue("0") @Min(0) int concurrentJobs) {}
}
