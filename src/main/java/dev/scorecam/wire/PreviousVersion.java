package dev.scorecam.wire;

import java.awt.image.BufferedImage;
import java.util.List;

import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.FaithfulnessResult;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.cam.Targets;
import dev.scorecam.explain.ChosenTargets;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.imaging.ModelInput;
import dev.scorecam.imaging.Placement;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * Payloads of version 2, which a node of the version before writes during a rolling upgrade: an
 * explanation then carried copies of its request's fields and the probabilities beside the logits.
 */
final class PreviousVersion {

    private PreviousVersion() {}

    static PreparedRequest readRequest(WireReader in, ModelRegistry models) {
        ServedModel model = ExplanationCodecs.model(models, in.readUTF());
        in.readUTF(); // the method's name, again below with its parameters
        Targets targets = ExplanationCodecs.readTargets(in);
        ScoreKind score = ScoreKind.valueOf(in.readUTF());
        int asked = in.readInt();
        int batchSize = in.readBoolean() ? model.batchSize() : asked;
        BufferedImage original = ExplanationCodecs.readImage(in);
        Placement placement = ExplanationCodecs.readPlacement(in);
        ModelInput input = new ModelInput(in.readFloats(), placement);
        MethodCatalogue.Choice choice = ExplanationCodecs.choice(in.readUTF(), ExplanationCodecs.readArguments(in));
        boolean metrics = in.readBoolean();
        int steps = in.readInt();
        return new PreparedRequest(model, choice, targets, score, batchSize, original, input,
                metrics ? Integer.valueOf(steps) : null, in.readBoolean());
    }

    /**
     * The request it answers is made from the copies: its targets are the maps' classes, and its
     * input blank (version 2 did not carry it; only the computation, which is done, reads it).
     */
    static Explanation readExplanation(WireReader in, ModelRegistry models) {
        ServedModel model = ExplanationCodecs.model(models, in.readUTF());
        String method = in.readUTF();
        ScoreKind score = ScoreKind.valueOf(in.readUTF());
        int batchSize = in.readInt();
        String precision = in.readUTF();
        BufferedImage original = ExplanationCodecs.readImage(in);
        Placement placement = ExplanationCodecs.readPlacement(in);
        in.readFloats(); // the probabilities: the softmax of the logits that follow
        float[] logits = in.readFloats();
        List<TargetMap> maps = ExplanationCodecs.readMaps(in, score);
        CamResult result = new CamResult(logits, maps, in.readInt(), in.readInt(), in.readInt(), in.readInt(), 0);
        long computeMillis = in.readLong();
        MethodCatalogue.Choice choice = ExplanationCodecs.choice(method, ExplanationCodecs.readArguments(in));
        FaithfulnessResult faithfulness = ExplanationCodecs.readFaithfulness(in);
        Targets targets = ChosenTargets.of(maps.stream().mapToInt(m -> m.target().classIndex()).toArray());
        PreparedRequest request = new PreparedRequest(model, choice, targets, score, batchSize, original,
                new ModelInput(new float[3 * placement.inputWidth() * placement.inputHeight()], placement),
                faithfulness == null ? null : faithfulness.classes().isEmpty() ? null : faithfulness.classes().get(0).steps(),
                false);
        return new Explanation(request, precision, result, computeMillis, faithfulness, in.readLong());
    }
}
