package dev.scorecam.model;

import java.nio.file.Path;
import java.util.List;

import dev.scorecam.imaging.InputFormat;

/**
 * A model package as read from disk: {@code model.pt} plus what {@code model.yaml} says of it.
 *
 * @param directory where {@code model.pt} lies
 * @param batchSize masked inputs per forward pass unless a request asks otherwise
 */
public record ModelPackage(
        String name, Path directory, InputFormat input, List<String> labels, String targetLayer, int batchSize) {

    static final String WEIGHTS_FILE = "model.pt";
    static final String DESCRIPTOR_FILE = "model.yaml";
    static final int DEFAULT_BATCH_SIZE = 64;

    public ModelPackage {
        labels = List.copyOf(labels);
    }

    public Path weights() {
        return directory.resolve(WEIGHTS_FILE);
    }
}
