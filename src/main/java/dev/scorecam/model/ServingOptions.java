package dev.scorecam.model;

import java.time.Duration;

/**
 * How a model package is served on a device, from its model.yaml and the deployment's settings.
 *
 * @param precision the network's precision (its weights file)
 * @param batchSize masked inputs per forward pass, or auto
 * @param warmupPasses forwards run before the first request
 * @param maxBatchSize the largest batch auto may pick
 * @param tuningBudget how long auto may spend measuring candidates
 * @param graphOptimizer whether libtorch's TorchScript graph executor profiles and specialises the graph
 * @param threads the engine's teams and lanes on the CPU
 * @param workers workers computing on one device at once, each with its lanes
 */
public record ServingOptions(
        Precision precision, BatchSize batchSize, int warmupPasses, int maxBatchSize, Duration tuningBudget,
        boolean graphOptimizer, EngineThreads threads, int workers) {

    /** One worker with the engine's teams and no lanes. */
    public ServingOptions(Precision precision, BatchSize batchSize, int warmupPasses, int maxBatchSize,
            Duration tuningBudget, boolean graphOptimizer) {
        this(precision, batchSize, warmupPasses, maxBatchSize, tuningBudget, graphOptimizer, EngineThreads.current(), 1);
    }

    /** float32 at a fixed batch size, as the service runs it: what the algorithm's tests and benchmarks load. */
    public static ServingOptions fixed(int batchSize, int warmupPasses) {
        return new ServingOptions(Precision.FP32, BatchSize.of(batchSize), warmupPasses, batchSize, Duration.ZERO,
                true);
    }
}
