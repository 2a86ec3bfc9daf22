package dev.scorecam.model;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import dev.scorecam.cam.Network;

/**
 * An ONNX graph on ONNX Runtime: {@code model.onnx} takes (N,3,H,W) and gives the logits as its
 * first output and the target layer's activations as its second; the optional {@code head.onnx}
 * beside it takes the activations to logits. ONNX Runtime computes no gradients.
 *
 * <p>ONNX Runtime's Java API is used directly, not DJL's wrapper: the CAM maths runs on libtorch
 * arrays (DJL's ONNX Runtime arrays implement few operators), the service needs one output at a
 * time from the same graph (ONNX Runtime then runs only the nodes that output needs) and a second
 * graph with the same session settings. So arrays cross at this seam as float buffers, and the
 * {@link Model} returned is an empty libtorch one that only owns the requests' arrays.
 */
final class OnnxNetwork implements Network {

    static final String HEAD_FILE = "head.onnx";

    private final Path file;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String input;
    private final String logits;
    private final String activations;
    private final OrtSession head;
    private final String headInput;

    private OnnxNetwork(Path file, OrtEnvironment environment, OrtSession session, OrtSession head)
            throws OrtException {
        this.file = file;
        this.environment = environment;
        this.session = session;
        this.head = head;
        this.input = onlyFloatTensor(file, session.getInputInfo(), "input", 4);
        List<String> outputs = List.copyOf(session.getOutputNames());
        if (outputs.size() != 2) {
            throw new ModelPackageException(file, "has " + outputs.size() + " output(s) " + outputs
                    + "; an onnxruntime package's model.onnx gives the logits and then the target layer's activations "
                    + "(tools/package_onnx.py --target-tensor adds them)");
        }
        this.logits = outputs.get(0);
        this.activations = outputs.get(1);
        this.headInput = head == null ? null
                : onlyFloatTensor(file.resolveSibling(HEAD_FILE), head.getInputInfo(), "input", 4);
        if (head != null && head.getNumOutputs() != 1) {
            throw new ModelPackageException(file.resolveSibling(HEAD_FILE), "has " + head.getNumOutputs()
                    + " outputs; head.onnx gives the logits only");
        }
    }

    /** Loads {@code model.onnx} (and {@code head.onnx} beside it when there is one) on the CPU. */
    static ModelEngine.Loaded load(String name, Path file, Device device, ServingOptions options) {
        if (device.isGpu()) {
            throw new ModelPackageException(file, "onnxruntime packages are served on the CPU only, not " + device);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        Path headFile = file.resolveSibling(HEAD_FILE);
        OrtSession session = null;
        OrtSession head = null;
        try (OrtSession.SessionOptions settings = settings()) {
            session = open(environment, file, settings);
            if (Files.isRegularFile(headFile)) {
                head = open(environment, headFile, settings);
            }
            Network network = new OnnxNetwork(file, environment, session, head);
            OrtSession opened = session;
            OrtSession openedHead = head;
            return new ModelEngine.Loaded(Model.newInstance(name, device, TorchEngine.NAME), network, () -> {
                opened.close();
                if (openedHead != null) {
                    openedHead.close();
                }
            }, head == null ? "ONNX on ONNX Runtime, no head.onnx" : "ONNX on ONNX Runtime, with head.onnx");
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            closeQuietly(head);
            if (e instanceof ModelPackageException problem) {
                throw problem;
            }
            throw new ModelPackageException(file, "cannot be configured for ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** The same team sizes libtorch gets (one team per calling worker), and every graph optimisation. */
    private static OrtSession.SessionOptions settings() throws OrtException {
        EngineThreads threads = EngineThreads.current();
        OrtSession.SessionOptions settings = new OrtSession.SessionOptions();
        settings.setIntraOpNumThreads(threads.intraOp());
        settings.setInterOpNumThreads(threads.interOp());
        settings.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return settings;
    }

    private static OrtSession open(OrtEnvironment environment, Path file, OrtSession.SessionOptions settings) {
        try {
            return environment.createSession(file.toString(), settings);
        } catch (OrtException e) {
            throw new ModelPackageException(file, "not a valid ONNX graph: " + e.getMessage(), e);
        }
    }

    private static String onlyFloatTensor(Path file, Map<String, NodeInfo> inputs, String what, int dimensions) {
        if (inputs.size() != 1) {
            throw new ModelPackageException(file, "has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; it must take one float tensor");
        }
        Map.Entry<String, NodeInfo> only = inputs.entrySet().iterator().next();
        if (!(only.getValue().getInfo() instanceof TensorInfo tensor)
                || tensor.type != ai.onnxruntime.OnnxJavaType.FLOAT || tensor.getShape().length != dimensions) {
            throw new ModelPackageException(file, "its " + what + " '" + only.getKey() + "' is "
                    + only.getValue().getInfo() + "; it must be a float tensor of " + dimensions + " dimensions");
        }
        return only.getKey();
    }

    @Override
    public NDArray features(NDArray input) {
        return run(session, this.input, input, activations);
    }

    @Override
    public NDArray forward(NDArray input) {
        return run(session, this.input, input, logits);
    }

    @Override
    public Pass pass(NDArray input) {
        try (OnnxTensor x = tensor(input);
                OrtSession.Result result = session.run(Map.of(this.input, x), Set.of(logits, activations))) {
            return new Pass(array(input, result, activations), array(input, result, logits));
        } catch (OrtException e) {
            throw failure(file, e);
        }
    }

    @Override
    public NDArray head(NDArray activations) {
        if (head == null) {
            throw new UnsupportedOperationException(file + " has no " + HEAD_FILE + " beside it");
        }
        try (OnnxTensor a = tensor(activations);
                OrtSession.Result result = head.run(Map.of(headInput, a))) {
            return array(activations, result, result.iterator().next().getKey());
        } catch (OrtException e) {
            throw failure(file.resolveSibling(HEAD_FILE), e);
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return head == null ? EnumSet.noneOf(Capability.class) : EnumSet.of(Capability.HEAD);
    }

    private NDArray run(OrtSession graph, String inputName, NDArray input, String output) {
        try (OnnxTensor x = tensor(input);
                OrtSession.Result result = graph.run(Map.of(inputName, x), Set.of(output))) {
            return array(input, result, output);
        } catch (OrtException e) {
            throw failure(file, e);
        }
    }

    private OnnxTensor tensor(NDArray array) throws OrtException {
        return OnnxTensor.createTensor(environment, FloatBuffer.wrap(array.toFloatArray()), array.getShape().getShape());
    }

    /** The output as an array of the input's manager, where the rest of the computation runs. */
    private static NDArray array(NDArray like, OrtSession.Result result, String name) {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow();
        FloatBuffer values = tensor.getFloatBuffer();
        float[] data = new float[values.remaining()];
        values.get(data);
        return like.getManager().create(data, new Shape(tensor.getInfo().getShape()));
    }

    private static IllegalStateException failure(Path file, OrtException e) {
        return new IllegalStateException(file.getFileName() + " failed in ONNX Runtime: " + e.getMessage(), e);
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing after a failed load: the load's own error is the one to report
            }
        }
    }
}
