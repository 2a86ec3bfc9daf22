package dev.scorecam.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import dev.scorecam.cam.Network;

/**
 * A TorchScript module with {@code forward}, {@code features} and {@code head} methods (the
 * package contract). TorchScript modules run inference from many threads at once.
 */
final class TorchScriptNetwork implements Network {

    private final PtSymbolBlock module;
    private final boolean graphOptimizer;

    TorchScriptNetwork(PtSymbolBlock module, boolean graphOptimizer) {
        this.module = module;
        this.graphOptimizer = graphOptimizer;
    }

    @Override
    public NDArray features(NDArray input) {
        return run("features", input);
    }

    @Override
    public NDArray head(NDArray activations) {
        return run("head", activations);
    }

    @Override
    public NDArray forward(NDArray input) {
        optimizeGraph();
        return IValueUtils.forward(module, new NDList(input), false).singletonOrThrow();
    }

    /**
     * libtorch's graph executor switch is per thread, and DJL sets it only on the thread that
     * starts the engine (and in Predictor calls, which this class does not make): so it is set
     * here, on the calling worker's thread (a thread-local flag, cheap to set every call).
     */
    private void optimizeGraph() {
        JniUtils.setGraphExecutorOptimize(graphOptimizer);
    }

    /** DJL calls another method of the module when the last input is named {@code module_method:<name>}. */
    private NDArray run(String method, NDArray argument) {
        optimizeGraph();
        try (NDArray marker = argument.getManager().create(0f)) {
            marker.setName("module_method:" + method);
            return IValueUtils.forward(module, new NDList(argument, marker), false).singletonOrThrow();
        }
    }
}
