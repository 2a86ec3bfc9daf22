package dev.scorecam.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set under {@code scorecam.*}.
 *
 * @param modelDirs directories holding model packages, served beside the bundled demo model
 * @param device where models run unless a model says otherwise: {@code cpu}, {@code gpu}, {@code gpu:N},
 *     or several comma-separated ({@code gpu:0,gpu:1}), one copy of the model on each
 * @param workersPerDevice worker threads per device, each computing one job at a time
 * @param models per-model overrides, keyed by model name
 * @param engine libtorch settings, read once before the engine starts
 * @param limits bounds on what one request may ask for
 * @param queue admission in front of each model's workers
 * @param jobs how long finished asynchronous jobs stay retrievable
 * @param requestTimeout how long a synchronous request waits for its job (queue and compute)
 *     before it answers 504 and the job is cancelled
 * @param shutdownGrace how long running jobs may take to finish when the server stops
 */
@Validated
@ConfigurationProperties("scorecam")
public record ScoreCamProperties(
        @DefaultValue List<Path> modelDirs,
        @DefaultValue("cpu") @NotEmpty List<String> device,
        @DefaultValue("1") @Min(1) int workersPerDevice,
        @DefaultValue Map<String, @Valid ModelOverrides> models,
        @DefaultValue @Valid Engine engine,
        @DefaultValue @Valid Limits limits,
        @DefaultValue @Valid Queue queue,
        @DefaultValue @Valid Jobs jobs,
        @DefaultValue("60s") @NotNull Duration requestTimeout,
        @DefaultValue("30s") @NotNull Duration shutdownGrace) {

    /**
     * Per-model settings that belong to the deployment, not to the model package; null takes the
     * package's (model.yaml) or the default.
     *
     * @param batchSize {@code auto} or a number
     * @param precision {@code fp32}, {@code bf16} or {@code fp16}
     */
    public record ModelOverrides(
            List<String> device, @Pattern(regexp = "auto|[1-9][0-9]{0,5}") String batchSize,
            @Min(1) Integer workersPerDevice, @Min(1) Integer queueCapacity,
            @Pattern(regexp = "fp32|bf16|fp16") String precision) {}

    /** @param capacity jobs that may wait per model; one more is refused with 503 */
    public record Queue(@DefaultValue("64") @Min(1) int capacity) {}

    /**
     * @param ttl how long a finished job (and its result) can be fetched
     * @param maxStored finished jobs kept at most; the oldest go first
     * @param maxStoredSize what their results (each with its original image) may hold in memory
     *     together; the oldest go first
     */
    public record Jobs(
            @DefaultValue("15m") @NotNull Duration ttl,
            @DefaultValue("10000") @Min(1) long maxStored,
            @DefaultValue("256MB") @NotNull DataSize maxStoredSize) {}

    /**
     * @param cacheDir where DJL extracts the libtorch natives (~450 MB, once)
     * @param threads intra-op threads per engine call; 0 divides the cores among the CPU workers of a model
     * @param interopThreads inter-op threads; one was best on small machines (Score-CAM's graphs are chains)
     * @param lanes batches of masked inputs one CPU worker computes side by side, each with its share of
     *     the worker's threads; 0 chooses (two where a worker has two threads or more), 1 turns them off
     * @param warmupPasses forwards run at load, so that the first request is not the slow one
     * @param batchTuningTime how long {@code batch-size: auto} may measure candidates per model and device
     * @param graphOptimizer libtorch's profiling graph executor (fusion, shape specialisation), set on
     *     every worker thread; on is libtorch's default and measured a little faster for fp32 resnet18
     */
    public record Engine(
            Path cacheDir,
            @DefaultValue("0") @Min(0) int threads,
            @DefaultValue("1") @Min(1) int interopThreads,
            @DefaultValue("0") @Min(0) int lanes,
            @DefaultValue("2") @Min(0) int warmupPasses,
            @DefaultValue("30s") @NotNull Duration batchTuningTime,
            @DefaultValue("true") boolean graphOptimizer) {}

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
        return models.getOrDefault(model, new ModelOverrides(null, null, null, null, null));
    }

    public List<String> devicesFor(String model) {
        List<String> own = overridesFor(model).device();
        return own == null || own.isEmpty() ? device : own;
    }

    public int workersPerDeviceFor(String model) {
        Integer own = overridesFor(model).workersPerDevice();
        return own == null ? workersPerDevice : own;
    }

    /**
     * Workers that may call the engine on the CPU at once for one model: the default count when
     * the default devices include the CPU, or a model's own count where it says so. Models busy at
     * the same time share the cores beyond this.
     */
    public int cpuWorkersPerModel() {
        int most = device.stream().anyMatch(ScoreCamProperties::isCpu) ? workersPerDevice : 0;
        for (String model : models.keySet()) {
            if (devicesFor(model).stream().anyMatch(ScoreCamProperties::isCpu)) {
                most = Math.max(most, workersPerDeviceFor(model));
            }
        }
        return Math.max(1, most);
    }

    private static boolean isCpu(String device) {
        return device.strip().equalsIgnoreCase("cpu");
    }

    public int queueCapacityFor(String model) {
        Integer own = overridesFor(model).queueCapacity();
        return own == null ? queue.capacity() : own;
    }
}
