package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import dev.scorecam.cam.ForwardLanes;
import dev.scorecam.cam.Network;

/**
 * A TorchScript module with {@code forward}, {@code features} and {@code head} methods (the
 * package contract). TorchScript modules run inference from many threads at once: on the CPU,
 * batches also run on {@link TorchLanes}.
 */
final class TorchScriptNetwork implements Network {

    private final PtSymbolBlock module;
    private final boolean graphOptimizer;
    /** A worker's intra-op threads (a lane's thread has its own). */
    private final int team;
    private final ForwardLanes lanes;

    private TorchScriptNetwork(PtSymbolBlock module, boolean graphOptimizer, int team, ForwardLanes lanes) {
        this.module = module;
        this.graphOptimizer = graphOptimizer;
        this.team = team;
        this.lanes = lanes;
    }

    /** Loads a {@code .pt} file through DJL's PyTorch engine. */
    static ModelEngine.Loaded load(String name, Path file, Device device, ServingOptions options)
            throws IOException, MalformedModelException {
        Model model = Model.newInstance(name, device, TorchEngine.NAME);
        try {
            // mapLocation: weights saved on one device load onto the one asked for.
            String fileName = file.getFileName().toString();
            // trainParam: loaded outside inference mode, so the gradient methods can back-propagate;
            // the parameters are then frozen (eval mode is kept, inference runs as fast).
            model.load(file.getParent(), fileName.substring(0, fileName.length() - ".pt".length()),
                    Map.of("mapLocation", "true", "trainParam", "true"));
            model.getBlock().freezeParameters(true);
            EngineThreads threads = options.threads();
            TorchLanes lanes = device.isGpu() || threads.lanes() < 2 ? null
                    : new TorchLanes(name, threads.lanes(), threads.laneThreads(), options.workers());
            return new ModelEngine.Loaded(model,
                    new TorchScriptNetwork((PtSymbolBlock) model.getBlock(), options.graphOptimizer(),
                            threads.intraOp(), lanes == null ? ForwardLanes.NONE : lanes.lanes()),
                    lanes == null ? () -> {} : lanes, form(model.getBlock().getParameters().size()));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A frozen file (what tools/export_model.py writes to serve) holds its weights as graph
     * constants, batch norms folded: no parameters left. A file with parameters is the portable,
     * slower form.
     */
    static String form(int parameters) {
        return parameters == 0 ? "TorchScript, frozen (no parameters)"
                : "TorchScript, not frozen (" + parameters + " parameter tensors; the frozen serving form runs "
                        + "faster: tools/export_model.py --from-package <package> writes it)";
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
        prepareThread();
        return IValueUtils.forward(module, new NDList(input), false).singletonOrThrow();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public ForwardLanes lanes() {
        return lanes;
    }

    /**
     * The recipe of docs/djl-pytorch notes: inference tensors refuse requires-grad, so A is copied
     * into a leaf; grad mode is per thread in libtorch (off on workers), so it is on only for this
     * call; {@code isTrain=true} here only lifts the inference guard, it does not call
     * {@code module.train()} (the parameters are frozen at load, BatchNorm keeps its statistics).
     */
    @Override
    public NDArray headGradient(NDArray activations, NDArray outputGradient) {
        prepareThread();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDArray marker = activations.getManager().create(0f)) {
            NDArray leaf = activations.duplicate();
            leaf.setRequiresGradient(true);
            marker.setName("module_method:head");
            NDArray logits = IValueUtils.forward(module, new NDList(leaf, marker), true).singletonOrThrow();
            JniUtils.backward((PtNDArray) logits, (PtNDArray) outputGradient, false, false);
            return leaf.getGradient();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * libtorch's graph executor switch is per thread, and DJL sets it only on the thread that
     * starts the engine (and in Predictor calls, which this class does not make): so it is set
     * here, on the calling thread (a thread-local flag, cheap to set every call), and so is the
     * thread's team, once.
     */
    private void prepareThread() {
        JniUtils.setGraphExecutorOptimize(graphOptimizer);
        TorchTeams.join(team);
    }

    /** DJL calls another method of the module when the last input is named {@code module_method:<name>}. */
    private NDArray run(String method, NDArray argument) {
        prepareThread();
        try (NDArray marker = argument.getManager().create(0f)) {
            marker.setName("module_method:" + method);
            return IValueUtils.forward(module, new NDList(argument, marker), false).singletonOrThrow();
        }
    }
}
