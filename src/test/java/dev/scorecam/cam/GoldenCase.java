package dev.scorecam.cam;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Float32Files;

/**
 * One golden Score-CAM map written by tools/make_test_models.py from the independent torch
 * reference (tools/scorecam_reference.py).
 */
record GoldenCase(
        String name, String input, int target, String score, String saliency, String weights, int liveChannels,
        String sourcePng) {

    record Manifest(
            String model, @JsonProperty("package") String packagePath, List<Integer> inputShape, int channels,
            List<GoldenCase> cases) {}

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static Manifest manifest(Path dir) {
        return JSON.readValue(dir.resolve("manifest.json").toFile(), Manifest.class);
    }

    static float[] floats(Path file) {
        return Float32Files.read(file);
    }

    @Override
    public String toString() {
        return name;
    }
}
