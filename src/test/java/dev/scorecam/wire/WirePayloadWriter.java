package dev.scorecam.wire;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.TorchEngine;

/**
 * Writes one queued request and its result in the current payload version to
 * src/test/resources/wire, so that a later version's codec can be shown to read them. Run once per
 * version, from the project root, with the test classpath.
 */
public final class WirePayloadWriter {

    private WirePayloadWriter() {}

    public static void main(String[] args) throws Exception {
        String version = args[0];
        ScoreCamProperties properties = TestProperties.cpu();
        ModelRegistry models = new ModelRegistry(properties, new TorchEngine(properties));
        try {
            Explainer explainer = new Explainer(models, properties);
            byte[] image = Files.readAllBytes(Path.of("samples/sneaker.png"));
            PreparedRequest prepared = explainer.prepare(new ExplanationRequest("fashion-cnn", image,
                    List.of("Sneaker", "Sandal"), null, "faster-scorecam", "probability", 4,
                    Map.of(MethodCatalogue.parameter("max-channels").orElseThrow(), 5), true, 6, true));
            Explanation explanation = explainer.compute(prepared, (done, total) -> {});
            Path dir = Path.of("src/test/resources/wire");
            Files.write(dir.resolve("request-v" + version + ".bin"), ExplanationCodecs.works(models).encode(prepared));
            Files.write(dir.resolve("result-v" + version + ".bin"), ExplanationCodecs.results(models).encode(explanation));
        } finally {
            models.close();
        }
    }
}
