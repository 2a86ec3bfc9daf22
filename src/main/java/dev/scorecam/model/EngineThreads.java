package dev.scorecam.model;

/**
 * The engines' CPU threads (libtorch's; ONNX Runtime's are set alike): every worker thread that calls
 * the engine gets its own team of
 * intra-op threads, so W workers on C cores each get C / W of them; more would only make the
 * teams fight over the cores.
 *
 * @param intraOp threads one engine call uses
 * @param interOp threads running independent operators of one graph side by side
 */
record EngineThreads(int intraOp, int interOp) {

    static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";
    static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    /**
     * @param configured {@code scorecam.engine.threads}; 0 chooses from the cores
     * @param cores processors the JVM may use
     * @param cpuWorkers workers that compute on the CPU at the same time (the largest model's count)
     */
    static EngineThreads choose(int configured, int interOp, int cores, int cpuWorkers) {
        int intraOp = configured > 0 ? configured : Math.max(1, cores / Math.max(1, cpuWorkers));
        return new EngineThreads(intraOp, interOp);
    }

    /**
     * The team sizes {@link TorchEngine} chose for libtorch (from the properties it set before the
     * engine started), for another engine to run with the same; all cores and 1 before it has.
     */
    static EngineThreads current() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineThreads(Integer.getInteger(INTRA_OP_PROPERTY, cores), Integer.getInteger(INTER_OP_PROPERTY, 1));
    }
}
