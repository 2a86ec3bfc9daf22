package dev.scorecam.model;

/**
 * The engines' CPU threads (libtorch's; ONNX Runtime's are set alike): every worker thread that calls
 * the engine gets its own team of intra-op threads, so W workers on C cores each get C / W of
 * them; more would only make the teams fight over the cores. A worker's batches of masked inputs
 * go to its lanes instead, each lane a team of its share of the worker's threads: two calls of one
 * thread each beat one call of two on a 2-core CPU (docs/load.md, "Lanes").
 *
 * @param intraOp threads one engine call of a worker uses
 * @param interOp threads running independent operators of one graph side by side
 * @param lanes batches one worker computes side by side on the CPU (1: none, on the worker's thread)
 * @param laneThreads intra-op threads of one lane
 */
public record EngineThreads(int intraOp, int interOp, int lanes, int laneThreads) {

    static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";
    static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    /** Lanes chosen when {@code scorecam.engine.lanes} is 0 and a worker has at least two threads. */
    static final int DEFAULT_LANES = 2;

    /**
     * @param configured {@code scorecam.engine.threads}; 0 chooses from the cores
     * @param configuredLanes {@code scorecam.engine.lanes}; 0 chooses: two where a worker has two threads or more
     * @param cores processors the JVM may use
     * @param cpuWorkers workers that compute on the CPU at the same time (the largest model's count)
     */
    public static EngineThreads choose(int configured, int interOp, int configuredLanes, int cores, int cpuWorkers) {
        int intraOp = configured > 0 ? configured : Math.max(1, cores / Math.max(1, cpuWorkers));
        int lanes = configuredLanes > 0 ? configuredLanes : intraOp >= 2 ? DEFAULT_LANES : 1;
        return new EngineThreads(intraOp, interOp, lanes, Math.max(1, intraOp / lanes));
    }

    /**
     * The team sizes {@link TorchEngine} chose for libtorch (from the properties it set before the
     * engine started), without lanes, for another engine to run with the same; all cores and 1
     * before it has.
     */
    static EngineThreads current() {
        int cores = Runtime.getRuntime().availableProcessors();
        int intraOp = Integer.getInteger(INTRA_OP_PROPERTY, cores);
        return new EngineThreads(intraOp, Integer.getInteger(INTER_OP_PROPERTY, 1), 1, intraOp);
    }
}
