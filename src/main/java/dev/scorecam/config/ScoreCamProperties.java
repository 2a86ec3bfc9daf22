package dev.scorecam.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set under {@code scorecam.*}.
 *
 * @param modelDirs directories holding model packages, served beside the bundled demo model
 * @param device where models run unless a model says otherwise: {@code cpu}, {@code gpu}, {@code gpu:N}
 * @param models per-model overrides, keyed by model name
 * @param engine libtorch settings, read once before the engine starts
 * @param limits bounds on what one request may ask for
 */
@Validated
@ConfigurationProperties("scorecam")
public record ScoreCamProperties(
        @DefaultValue List<Path> modelDirs,
        @DefaultValue("cpu") @NotNull String device,
        @DefaultValue Map<String, ModelOverrides> models,
        @DefaultValue @Valid Engine engine,
        @DefaultValue @Valid Limits limits) {

    /** Per-model settings that belong to the deployment, not to the model package. */
    public record ModelOverrides(String device, @Min(1) Integer batchSize) {}

    /**
     * @param cacheDir where DJL extracts the libtorch natives (~450 MB, once)
     * @param threads intra-op threads; 0 lets libtorch choose (one per core)
     * @param interopThreads inter-op threads; one was best on small machines
     * @param warmupPasses forwards run at load, so that the first request is not the slow one
     */
    public record Engine(
            Path cacheDir,
            @DefaultValue("0") @Min(0) int threads,
            @DefaultValue("1") @Min(1) int interopThreads,
            @DefaultValue("2") @Min(0) int warmupPasses) {}

    /**
     * @param maxPixels images whose header claims more pixels are refused before decoding
     * @param maxTargets classes one request may ask to explain
     * @param maxBatchSize the largest {@code batch-size} a request may ask for
     */
    public record Limits(
            @DefaultValue("40000000") @Min(1) long maxPixels,
            @DefaultValue("10") @Min(1) @Max(1000) int maxTargets,
            @DefaultValue("256") @Min(1) int maxBatchSize) {}

    public ModelOverrides overridesFor(String model) {
        return models.getOrDefault(model, new ModelOverrides(null, null));
    }
}
