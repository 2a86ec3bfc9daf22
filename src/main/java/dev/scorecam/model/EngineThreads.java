package dev.scorecam.model;

/**
 * libtorch's CPU threads: every worker thread that calls the engine gets its own team of
 * intra-op threads, so W workers on C cores each get C / W of them; more would only make the
 * teams fight over the cores.
 *
 * @param intraOp threads one engine call uses
 * @param interOp threads running independent operators of one graph side by side
 */
record EngineThreads(int intraOp, int interOp) {

    /**
     * @param configured {@code scorecam.engine.threads}; 0 chooses from the cores
     * @param cores processors the JVM may use
     * @param cpuWorkers workers that compute on the CPU at the same time (the largest model's count)
     */
    static EngineThreads choose(int configured, int interOp, int cores, int cpuWorkers) {
        int intraOp = configured > 0 ? configured : Math.max(1, cores / Math.max(1, cpuWorkers));
        return new EngineThreads(intraOp, interOp);
    }
}
