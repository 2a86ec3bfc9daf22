package dev.scorecam.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this instance takes part in a scaled-out deployment (docs/scale-out.md); the defaults are
 * one self-contained instance. Beside {@link ScoreCamProperties}, under the same prefix.
 *
 * @param role {@code all} takes requests and computes; {@code api} takes requests and queues them,
 *     computing nothing; {@code worker} computes queued jobs and serves only /actuator
 * @param queue where the jobs are
 * @param redis the Redis queue's settings (the connection is {@code spring.data.redis.*})
 */
@Validated
@ConfigurationProperties("scorecam")
public record ScaleOutProperties(
        @DefaultValue("all") @NotNull Role role,
        @DefaultValue @Valid Queue queue,
        @DefaultValue @Valid Redis redis) {

    public enum Role { ALL, API, WORKER }

    public enum Backend { MEMORY, REDIS }

    /** @param backend {@code memory}: this process only; {@code redis}: shared by every instance */
    public record Queue(@DefaultValue("memory") @NotNull Backend backend) {}

    /**
     * @param keyPrefix the start of every key, so that deployments can share one Redis
     * @param claimAfter a job whose worker has not been heard of for this long goes to another
     *     worker (workers tell every third of it that they are alive)
     * @param maxDeliveries workers that may take one job; if the last also stops while computing it,
     *     the job fails with /problems/job-abandoned
     * @param waitForReplicas replicas that must hold a job before it is accepted (202); 0 (the
     *     default) accepts it once the primary has it, which a failover can lose
     * @param replicaTimeout how long a submission waits for them; unconfirmed, it is refused (503)
     */
    public record Redis(
            @DefaultValue("scorecam") @NotBlank String keyPrefix,
            @DefaultValue("30s") @NotNull Duration claimAfter,
            @DefaultValue("3") @Min(1) int maxDeliveries,
            @DefaultValue("0") @Min(0) int waitForReplicas,
            @DefaultValue("1s") @NotNull Duration replicaTimeout) {}

    public boolean computes() {
        return role != Role.API;
    }
}
