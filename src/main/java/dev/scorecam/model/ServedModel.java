package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.scorecam.cam.CamMethod;
import dev.scorecam.cam.Detection;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.Faithfulness;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.Network;
import dev.scorecam.cam.ObservedNetwork;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreCam;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.imaging.InputFormat;

/**
 * A model package loaded on one device, checked against its descriptor and warmed up.
 * The network is shared; each explanation works in its own request-scoped manager, so
 * engine arrays never leave this class: callers hand in a float array and get plain results.
 */
public final class ServedModel implements AutoCloseable {

    private static final ScoreCam SCORE_CAM = new ScoreCam();
    private static final Faithfulness FAITHFULNESS = new Faithfulness();

    private final ModelPackage modelPackage;
    private final Device device;
    private final Precision precision;
    private final int batchSize;
    private final BatchTuner.Choice batchChoice;
    private final ModelEngine.Loaded loaded;
    private final Network network;
    private final Shape activationShape;
    private final Duration loadTime;

    private ServedModel(ModelPackage modelPackage, Device device, Precision precision, int batchSize,
            BatchTuner.Choice batchChoice, ModelEngine.Loaded loaded, Shape activationShape, Duration loadTime) {
        this.modelPackage = modelPackage;
        this.device = device;
        this.precision = precision;
        this.batchSize = batchSize;
        this.batchChoice = batchChoice;
        this.loaded = loaded;
        this.network = loaded.network();
        this.activationShape = activationShape;
        this.loadTime = loadTime;
    }

    /** float32 at a fixed batch size. */
    public static ServedModel load(ModelPackage modelPackage, Device device, int batchSize, int warmupPasses) {
        return load(modelPackage, device, ServingOptions.fixed(batchSize, warmupPasses));
    }

    public static ServedModel load(ModelPackage modelPackage, Device device, ServingOptions options) {
        long start = System.nanoTime();
        Path weights = modelPackage.weights(options.precision());
        if (!Files.isRegularFile(weights)) {
            throw new ModelPackageException(weights, "missing: serving '%s' in %s needs its network in that precision (%s)"
                    .formatted(modelPackage.name(), options.precision().id(),
                            "tools/reduce_precision.py --precision " + options.precision().id() + " <package> writes it"));
        }
        ModelEngine engine = modelPackage.engine();
        ModelEngine.Loaded loaded = null;
        try {
            loaded = engine.load(modelPackage.name(), weights, device, options);
            Model model = loaded.model();
            Network network = loaded.network();
            Shape activations;
            int batchSize;
            BatchTuner.Choice choice = null;
            try (NDManager manager = model.getNDManager().newSubManager(device)) {
                if (modelPackage.isDetector()) {
                    InputFormat format = modelPackage.input();
                    DetectorNetwork.checkShapes(network, manager.zeros(new Shape(1, 3, format.height(), format.width())),
                            modelPackage.maxDetections(), weights);
                    network = new DetectorNetwork(network, modelPackage.maxDetections());
                    loaded = loaded.withNetwork(network);
                }
                if (!modelPackage.layout().hasHead()) {
                    network = new HeadlessNetwork(network);
                    loaded = loaded.withNetwork(network);
                }
                activations = checkShapes(network, modelPackage, weights, manager);
                InputFormat input = modelPackage.input();
                if (options.batchSize().isAuto()) {
                    int maskedInputs = (int) activations.get(0) + 1;
                    warmUp(network, input, BatchTuner.candidates(maskedInputs, options.maxBatchSize()).get(0),
                            options.warmupPasses(), manager);
                    choice = BatchTuner.choose(network, input, maskedInputs, options.maxBatchSize(),
                            options.tuningBudget(), manager);
                    batchSize = choice.batchSize();
                } else {
                    batchSize = options.batchSize().fixed();
                    warmUp(network, input, batchSize, options.warmupPasses(), manager);
                }
            }
            return new ServedModel(modelPackage, device, options.precision(), batchSize, choice, loaded,
                    activations, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (loaded != null) {
                loaded.close();
            }
            if (e instanceof ModelPackageException packageProblem) {
                throw packageProblem;
            }
            String hint = options.precision() == Precision.FP32 ? ""
                    : " (a " + options.precision().id() + " network must take and return float32 arrays; "
                            + "tools/reduce_precision.py writes one)";
            throw new ModelPackageException(weights, "cannot be loaded as " + engine.expects() + hint + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs the network once on a blank input (and its head on the activations, where it offers one):
     * shapes must agree with model.yaml, and both must give float32 (a reduced-precision network casts
     * back itself). Returns (K,h,w).
     */
    private static Shape checkShapes(Network network, ModelPackage modelPackage, Path weights, NDManager manager) {
        InputFormat input = modelPackage.input();
        Network.Pass pass = network.pass(manager.zeros(new Shape(1, 3, input.height(), input.width())));
        NDArray activations = pass.activations();
        NDArray logitsArray = pass.logits();
        if (network.capabilities().contains(Network.Capability.HEAD)) {
            NDArray rescored = network.head(activations);
            if (!rescored.getShape().equals(logitsArray.getShape())) {
                throw new ModelPackageException(weights, "head() gave " + rescored.getShape()
                        + " from the activations, but the whole network gave " + logitsArray.getShape());
            }
        }
        Shape logits = logitsArray.getShape();
        int classes = modelPackage.outputWidth();
        if (activations.getDataType() != DataType.FLOAT32 || logitsArray.getDataType() != DataType.FLOAT32) {
            throw new ModelPackageException(weights, "features() gave " + activations.getDataType() + " and head() gave "
                    + logitsArray.getDataType() + "; both must return float32 (tools/reduce_precision.py casts "
                    + "a reduced-precision network's outputs back)");
        }
        if (activations.getShape().dimension() != 4 || logits.dimension() != 2 || logits.get(1) != classes) {
            throw new ModelPackageException(weights, "features() gave " + activations.getShape()
                    + " and head() gave " + logits + "; expected (1,K,h,w) and (1," + classes
                    + ") for the " + classes + " labels in model.yaml");
        }
        ActivationLayout layout = modelPackage.layout();
        if (!layout.fits(activations.getShape().get(3), activations.getShape().get(2))) {
            throw new ModelPackageException(weights, "features() gave a " + activations.getShape().get(3) + "x"
                    + activations.getShape().get(2) + " grid, but model.yaml declares a " + layout.gridWidth() + "x"
                    + layout.gridHeight() + " token grid");
        }
        return activations.getShape().slice(1);
    }

    /** libtorch profiles the first forwards of a graph and runs them ~2x slower: spend them here, on the lanes too. */
    private static void warmUp(Network network, InputFormat input, int batchSize, int passes, NDManager manager) {
        NDArray batch = manager.zeros(new Shape(batchSize, 3, input.height(), input.width()));
        for (int i = 0; i < passes; i++) {
            BatchTuner.scoreRound(network, batch);
        }
    }

    public String name() {
        return modelPackage.name();
    }

    /** Score-CAM on one prepared input: {@link #explain(CamMethod, float[], Targets, ScoreKind, int, Progress, ForwardPassListener)}. */
    public CamResult explain(float[] chw, Targets targets, ScoreKind score, int batchSize, Progress progress,
            ForwardPassListener forwardPasses) {
        return explain(SCORE_CAM, chw, targets, score, batchSize, progress, forwardPasses);
    }

    /**
     * A CAM method on one prepared input, in a manager of its own that is closed (with every array
     * the computation made) before this returns.
     *
     * @param chw the input as the model takes it, (3,H,W) row-major in its normalised space
     * @param passes told of every forward, backward and head-only pass through the network, for the metrics
     */
    public CamResult explain(CamMethod method, float[] chw, Targets targets, ScoreKind score, int batchSize,
            Progress progress, ForwardPassListener passes) {
        InputFormat format = modelPackage.input();
        checkInput(chw, format);
        Network listened = new ObservedNetwork(network, images -> passes.forwardPass(name(), images),
                images -> passes.backwardPass(name(), images), images -> passes.headPass(name(), images));
        try (NDManager manager = newRequestManager()) {
            NDArray x = manager.create(chw, new Shape(1, 3, format.height(), format.width()));
            return method.explain(listened, x, targets, score, batchSize, progress);
        }
    }

    /**
     * The faithfulness of maps already made for {@code chw} (by any method), in a manager of its
     * own, closed before this returns.
     *
     * @param explanations the maps, at the model's input resolution
     * @param forwardPasses told of every pass through the network, for the metrics
     */
    public FaithfulnessResult faithfulness(float[] chw, List<TargetMap> explanations, int steps, int batchSize,
            Progress progress, ForwardPassListener forwardPasses) {
        InputFormat format = modelPackage.input();
        checkInput(chw, format);
        Network listened = new ObservedNetwork(network, images -> forwardPasses.forwardPass(name(), images));
        try (NDManager manager = newRequestManager()) {
            NDArray x = manager.create(chw, new Shape(1, 3, format.height(), format.width()));
            return FAITHFULNESS.measure(listened, x, explanations, steps, batchSize, progress);
        }
    }

    /**
     * A detector's detections of one prepared input (one forward pass, told to {@code passes}),
     * boxes in input pixels, best first.
     *
     * @throws IllegalStateException when this model is no detector
     */
    public List<Detection> detect(float[] chw, ForwardPassListener passes) {
        if (!modelPackage.isDetector()) {
            throw new IllegalStateException(name() + " is no detector");
        }
        InputFormat format = modelPackage.input();
        checkInput(chw, format);
        Network listened = new ObservedNetwork(network, images -> passes.forwardPass(name(), images));
        try (NDManager manager = newRequestManager()) {
            NDArray x = manager.create(chw, new Shape(1, 3, format.height(), format.width()));
            return Detection.of(listened.forward(x).toFloatArray());
        }
    }

    /** What its network does: classification or detection. */
    public Task task() {
        return modelPackage.task();
    }

    /** What runs the network, as model.yaml names it: {@code torchscript}, {@code onnxruntime}. */
    public String engine() {
        return modelPackage.engine().id();
    }

    /** What the network offers beyond features and forward passes. */
    public Set<Network.Capability> capabilities() {
        return network.capabilities();
    }

    /** Whether this model can run the method (its engine offers what the method needs). */
    public boolean supports(MethodCatalogue.Method method) {
        return method.runsOn(capabilities());
    }

    /** The catalogue's methods this model can run, in its order. */
    public List<MethodCatalogue.Method> methods() {
        return MethodCatalogue.runnableOn(capabilities());
    }

    private void checkInput(float[] chw, InputFormat format) {
        if (chw.length != 3 * format.width() * format.height()) {
            throw new IllegalArgumentException("input holds %d values, %s takes 3x%dx%d"
                    .formatted(chw.length, name(), format.height(), format.width()));
        }
    }

    public ModelPackage modelPackage() {
        return modelPackage;
    }

    /** The network itself, for the algorithm's own tests and benchmarks; the service calls {@link #explain}. */
    public Network network() {
        return network;
    }

    /** Where it runs, as DJL names it: {@code cpu()}, {@code gpu(0)}. */
    public String device() {
        return device.toString();
    }

    /** Masked inputs per forward pass unless a request asks otherwise: as configured, or as measured at warm-up. */
    public int batchSize() {
        return batchSize;
    }

    /** True when {@link #batchSize()} was measured at warm-up ({@code batch-size: auto}). */
    public boolean batchSizeMeasured() {
        return batchChoice != null;
    }

    /** What warm-up measured for {@code batch-size: auto}, e.g. "8: 2.1 ms/img, 16: 1.7 ms/img"; empty otherwise. */
    public String batchMeasurements() {
        return batchChoice == null ? "" : batchChoice.describe();
    }

    /** The network file's form in words, as its engine found it: frozen or not, ONNX. */
    public String form() {
        return loaded.form();
    }

    /** What the network computes in. */
    public Precision precision() {
        return precision;
    }

    /** K: channels of the target layer. */
    public int channels() {
        return (int) activationShape.get(0);
    }

    /** w: width of the target layer's activations. */
    public int activationWidth() {
        return (int) activationShape.get(2);
    }

    /** h: height of the target layer's activations. */
    public int activationHeight() {
        return (int) activationShape.get(1);
    }

    /** How long loading, checking and warming up took on this device. */
    public Duration loadTime() {
        return loadTime;
    }

    /**
     * For the algorithm's own tests and benchmarks, which drive {@link ScoreCam} directly. Close it
     * when the request ends: it frees every array the request made.
     */
    public NDManager newRequestManager() {
        return loaded.model().getNDManager().newSubManager(device);
    }

    @Override
    public void close() {
        loaded.close();
    }
}
