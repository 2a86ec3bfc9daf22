package dev.scorecam.explain;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.BoxRule;
import dev.scorecam.cam.Detection;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.imaging.ImageDecoder;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Preprocessor;
import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/** From an uploaded image to CAM maps: checks the request, decodes, prepares and runs. */
@Service
public class Explainer {

    /** The most deletion/insertion steps a request may ask for: 2 passes per step and target. */
    static final int MAX_METRICS_STEPS = 256;

    private final ModelRegistry models;
    private final ScoreCamProperties.Limits limits;
    private final ImageDecoder decoder;
    private final ForwardPassListener forwardPasses;

    public Explainer(ModelRegistry models, ScoreCamProperties properties) {
        this(models, properties, ForwardPassListener.NONE);
    }

    @Autowired
    public Explainer(ModelRegistry models, ScoreCamProperties properties, ForwardPassListener forwardPasses) {
        this.models = models;
        this.limits = properties.limits();
        this.decoder = new ImageDecoder(limits.maxPixels());
        this.forwardPasses = forwardPasses;
    }

    /** Prepares and computes on the calling thread. */
    public Explanation explain(ExplanationRequest request, Progress progress) {
        return compute(prepare(request), progress);
    }

    /** Checks the request, decodes and prepares the image; throws for anything a client must fix. */
    public PreparedRequest prepare(ExplanationRequest request) {
        ServedModel model = model(request.model());
        MethodCatalogue.Choice method = method(request);
        if (!model.supports(method.method())) {
            throw Rejection.methodUnsupported(method.name(), model.name(),
                    model.engine() + (model.modelPackage().isDetector() ? " as a detector" : ""),
                    String.join(" and ", method.method().needs().stream()
                            .filter(need -> !model.capabilities().contains(need))
                            .map(need -> need.name().toLowerCase(Locale.ROOT)).sorted().toList()),
                    String.join(", ", model.methods().stream().map(MethodCatalogue.Method::name).toList()));
        }
        if (model.modelPackage().isDetector()) {
            return prepareBox(request, model, method);
        }
        if (request.box() != null || request.detection() != null || request.boxRule() != null) {
            throw Rejection.notADetector(model.name(),
                    request.box() != null ? "'box'" : request.detection() != null ? "'detection'" : "'box-rule'");
        }
        ScoreKind score = scoreKind(request.score());
        int batchSize = batchSize(request.batchSize(), model);
        Targets targets = TargetSelection.resolve(
                request.targets(), request.topK(), model.modelPackage().labels(), limits.maxTargets());
        BufferedImage original = decoder.decode(request.image());
        ModelInput input = Preprocessor.prepare(original, model.modelPackage().input());
        return new PreparedRequest(model, method, targets, score, batchSize, original, input,
                metricsSteps(request.metrics(), request.metricsSteps()), request.progressive());
    }

    /**
     * A detector's request: a box with its class, or one of the image's detections (the best one
     * when neither is named), which runs the detector once here, so that an index it does not
     * have is refused before anything is queued.
     */
    private PreparedRequest prepareBox(ExplanationRequest request, ServedModel model, MethodCatalogue.Choice method) {
        Box asked = BoxSelection.check(request);
        ScoreKind score = scoreKind(request.score());
        BoxRule rule = boxRule(request.boxRule());
        int batchSize = batchSize(request.batchSize(), model);
        Integer metricsSteps = metricsSteps(request.metrics(), request.metricsSteps());
        BufferedImage original = decoder.decode(request.image());
        ModelInput input = Preprocessor.prepare(original, model.modelPackage().input());
        ChosenBox box = asked != null
                ? BoxSelection.ofBox(asked, request.box(), request.targets().get(0), model.modelPackage().labels(),
                        input.placement(), rule)
                : detection(request.detection() == null ? 0 : request.detection(), model, input, rule);
        return new PreparedRequest(model, method, box, score, batchSize, original, input, metricsSteps,
                request.progressive());
    }

    /**
     * The image's detection {@code index}, its detector pass counted as it runs: told to the
     * metrics here, and carried with the box into the answer's forward passes, wherever the maps
     * are computed.
     */
    private ChosenBox detection(int index, ServedModel model, ModelInput input, BoxRule rule) {
        LongAdder images = new LongAdder();
        ForwardPassListener counted = (name, batchSize) -> {
            images.add(batchSize);
            forwardPasses.forwardPass(name, batchSize);
        };
        return BoxSelection.ofDetection(index, () -> model.detect(input.chw(), counted), input.placement(), rule)
                .withDetectorPasses(images.intValue());
    }

    /** A detector's detections of an uploaded image, boxes in the model input's pixels, best first. */
    public Detections detect(String modelName, byte[] image) {
        ServedModel model = model(modelName);
        if (!model.modelPackage().isDetector()) {
            throw Rejection.NOT_A_DETECTOR.because("model '" + model.name()
                    + "' is a classifier; explain it by target or top-k (GET /v1/models gives each model's task)");
        }
        BufferedImage original = decoder.decode(image);
        ModelInput input = Preprocessor.prepare(original, model.modelPackage().input());
        long start = System.nanoTime();
        List<Detection> detections = model.detect(input.chw(), forwardPasses);
        return new Detections(model, original.getWidth(), original.getHeight(), input.placement(), detections,
                elapsedMillis(start));
    }

    /** The device work: the chosen CAM method on the prepared input, on the model's device. */
    public Explanation compute(PreparedRequest prepared, Progress progress) {
        return compute(prepared, progress, partial -> {});
    }

    /**
     * The device work; a progressive request also tells {@code partials} the explanation from the
     * channels scored so far, after each batch.
     */
    public Explanation compute(PreparedRequest prepared, Progress progress, Consumer<Explanation> partials) {
        ServedModel model = prepared.model();
        String precision = model.precision().id();
        long start = System.nanoTime();
        Progress reporter = !prepared.progressive() ? progress : new Progress() {
            @Override
            public void maskedInputsScored(int done, int total) {
                progress.maskedInputsScored(done, total);
            }

            @Override
            public boolean progressive() {
                return true;
            }

            @Override
            public void partial(CamResult soFar) {
                partials.accept(new Explanation(prepared, precision, soFar, elapsedMillis(start), null, 0));
            }
        };
        CamResult result = model.explain(prepared.choice().cam(), prepared.input().chw(), prepared.targets(),
                prepared.score(), prepared.batchSize(), reporter, forwardPasses);
        long computeMillis = elapsedMillis(start);
        FaithfulnessResult faithfulness = null;
        long faithfulnessMillis = 0;
        if (prepared.metricsSteps() != null) {
            long measured = System.nanoTime();
            faithfulness = model.faithfulness(prepared.input().chw(), result.maps(), prepared.metricsSteps(),
                    prepared.batchSize(), progress, forwardPasses);
            faithfulnessMillis = elapsedMillis(measured);
        }
        return new Explanation(prepared, precision, result, computeMillis, faithfulness, faithfulnessMillis);
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** The method asked for (default Score-CAM) with its parameters checked against the catalogue. */
    private static MethodCatalogue.Choice method(ExplanationRequest request) {
        String name = request.method() == null ? MethodCatalogue.DEFAULT : request.method();
        MethodCatalogue.Method method = MethodCatalogue.find(name).orElseThrow(
                () -> Rejection.unknownMethod(name, String.join(", ", MethodCatalogue.names())));
        try {
            return MethodCatalogue.choose(method, request.parameters());
        } catch (IllegalArgumentException e) {
            throw Rejection.INVALID_PARAMETER.because(e.getMessage());
        }
    }

    /** The steps of the faithfulness metrics, or null when they are not asked for; checked whenever given. */
    private static Integer metricsSteps(boolean metrics, int steps) {
        if (steps < 1 || steps > MAX_METRICS_STEPS) {
            throw Rejection.notBetween("metrics-steps", 1, MAX_METRICS_STEPS, steps);
        }
        return metrics ? steps : null;
    }

    public ServedModel model(String name) {
        return models.find(name).orElseThrow(() -> Rejection.unknownModel(name));
    }

    private static ScoreKind scoreKind(String value) {
        try {
            return value == null ? ScoreKind.LOGIT : ScoreKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw Rejection.INVALID_PARAMETER.because(e.getMessage());
        }
    }

    private static BoxRule boxRule(String value) {
        try {
            return value == null ? BoxRule.OVERLAP : BoxRule.parse(value);
        } catch (IllegalArgumentException e) {
            throw Rejection.INVALID_PARAMETER.because(e.getMessage());
        }
    }

    private int batchSize(Integer asked, ServedModel model) {
        if (asked == null) {
            return model.batchSize();
        }
        if (asked < 1 || asked > limits.maxBatchSize()) {
            throw Rejection.INVALID_PARAMETER.because(
                    "'batch-size' must be between 1 and " + limits.maxBatchSize() + ", not " + asked);
        }
        return asked;
    }
}
