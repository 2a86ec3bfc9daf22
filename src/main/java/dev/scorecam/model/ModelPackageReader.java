package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.scorecam.imaging.InputFormat;
import dev.scorecam.imaging.ResizeMode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads and checks a model package directory (see docs/model-package.md). */
public final class ModelPackageReader {

    /** Names appear in URLs: keep them to characters that need no escaping. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A bound on D that keeps a detector's output rows small. */
    static final int MAX_DETECTIONS = 1000;

    private ModelPackageReader() {}

    /** True when the directory holds a {@code model.yaml}, i.e. is a package rather than a folder of them. */
    public static boolean isPackage(Path directory) {
        return Files.isRegularFile(directory.resolve(ModelPackage.DESCRIPTOR_FILE));
    }

    public static ModelPackage read(Path directory) {
        Path descriptorFile = directory.resolve(ModelPackage.DESCRIPTOR_FILE);
        if (!Files.isRegularFile(descriptorFile)) {
            throw new ModelPackageException(descriptorFile, "missing (a model package needs model.yaml and model.pt)");
        }
        Descriptor descriptor = parse(descriptorFile);
        ModelEngine engine = engine(descriptor, descriptorFile);
        Path weights = directory.resolve(engine.networkFile(Precision.FP32));
        if (!Files.isRegularFile(weights)) {
            throw new ModelPackageException(weights, "missing (a model package needs model.yaml and "
                    + weights.getFileName() + " for engine " + engine.id() + ")");
        }
        Task task = task(descriptor, descriptorFile);
        if (task == Task.DETECTION && engine != ModelEngine.TORCHSCRIPT) {
            throw new ModelPackageException(descriptorFile, "'task: detection' needs engine torchscript (model.pt), not "
                    + engine.id());
        }
        return new ModelPackage(
                name(descriptor, descriptorFile),
                directory,
                engine,
                inputFormat(descriptor.input(), descriptorFile),
                labels(descriptor, directory, descriptorFile),
                descriptor.targetLayer() == null ? "" : descriptor.targetLayer(),
                batchSize(descriptor, descriptorFile),
                precision(descriptor, descriptorFile),
                task,
                maxDetections(descriptor, task, descriptorFile),
                layout(descriptor, descriptorFile));
    }

    private static ActivationLayout layout(Descriptor descriptor, Path file) {
        if (descriptor.layout() == null && descriptor.prefixTokens() == null && descriptor.grid() == null) {
            return ActivationLayout.CHANNELS_FIRST;
        }
        try {
            ActivationLayout.Kind kind = descriptor.layout() == null ? ActivationLayout.Kind.CHANNELS_FIRST
                    : ActivationLayout.Kind.parse(descriptor.layout());
            Grid grid = descriptor.grid();
            if (grid != null && (grid.width() == null || grid.height() == null)) {
                throw new IllegalArgumentException("'grid' needs 'width' and 'height'");
            }
            return new ActivationLayout(kind, descriptor.prefixTokens() == null ? 0 : descriptor.prefixTokens(),
                    grid == null ? 0 : grid.width(), grid == null ? 0 : grid.height());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, e.getMessage());
        }
    }

    private static Task task(Descriptor descriptor, Path file) {
        if (descriptor.task() == null) {
            return Task.CLASSIFICATION;
        }
        try {
            return Task.parse(descriptor.task());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, e.getMessage());
        }
    }

    /** D: required of a detector, which pads its detections to it; meaningless for a classifier. */
    private static int maxDetections(Descriptor descriptor, Task task, Path file) {
        Integer d = descriptor.maxDetections();
        if (task == Task.CLASSIFICATION) {
            if (d != null) {
                throw new ModelPackageException(file, "'max-detections' is for 'task: detection' only");
            }
            return 0;
        }
        if (d == null || d < 1 || d > MAX_DETECTIONS) {
            throw new ModelPackageException(file, "'task: detection' needs 'max-detections' between 1 and "
                    + MAX_DETECTIONS + " (the rows forward() gives per image), not " + d);
        }
        return d;
    }

    private static Descriptor parse(Path file) {
        try {
            Descriptor descriptor = YAML.readValue(file.toFile(), Descriptor.class);
            if (descriptor == null) {
                throw new ModelPackageException(file, "empty");
            }
            return descriptor;
        } catch (JacksonException e) {
            throw new ModelPackageException(file, "not a valid model descriptor: " + e.getOriginalMessage(), e);
        }
    }

    private static String name(Descriptor descriptor, Path file) {
        if (descriptor.name() == null || !NAME.matcher(descriptor.name()).matches()) {
            throw new ModelPackageException(file, "'name' must be 1-64 letters, digits, '.', '_' or '-', not "
                    + descriptor.name());
        }
        return descriptor.name();
    }

    private static InputFormat inputFormat(Input input, Path file) {
        if (input == null || input.width() == null || input.height() == null) {
            throw new ModelPackageException(file, "'input' needs 'width' and 'height'");
        }
        try {
            return new InputFormat(
                    input.width(),
                    input.height(),
                    perColour(input.mean(), 0f, "mean"),
                    perColour(input.std(), 1f, "std"),
                    input.resize() == null ? ResizeMode.STRETCH : ResizeMode.parse(input.resize()));
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, "bad 'input': " + e.getMessage(), e);
        }
    }

    private static float[] perColour(List<Float> values, float absent, String what) {
        if (values == null) {
            return new float[] {absent, absent, absent};
        }
        if (values.size() != 3) {
            throw new IllegalArgumentException("'" + what + "' needs 3 values (R, G, B), has " + values.size());
        }
        return new float[] {values.get(0), values.get(1), values.get(2)};
    }

    private static List<String> labels(Descriptor descriptor, Path directory, Path file) {
        if ((descriptor.labels() == null) == (descriptor.labelsFile() == null)) {
            throw new ModelPackageException(file, "give exactly one of 'labels' and 'labels-file'");
        }
        List<String> labels = descriptor.labels();
        if (labels == null) {
            Path labelsFile = directory.resolve(descriptor.labelsFile());
            try {
                labels = Files.readAllLines(labelsFile).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            } catch (IOException e) {
                throw new ModelPackageException(labelsFile, "cannot read the labels file: " + e.getMessage(), e);
            }
        }
        if (labels.isEmpty()) {
            throw new ModelPackageException(file, "the model has no labels");
        }
        return labels;
    }

    private static BatchSize batchSize(Descriptor descriptor, Path file) {
        if (descriptor.batchSize() == null) {
            return BatchSize.AUTO;
        }
        try {
            return BatchSize.parse(descriptor.batchSize());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, "'batch-size' must be 'auto' or at least 1, not " + descriptor.batchSize());
        }
    }

    private static ModelEngine engine(Descriptor descriptor, Path file) {
        if (descriptor.engine() == null) {
            return ModelEngine.TORCHSCRIPT;
        }
        try {
            return ModelEngine.parse(descriptor.engine());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, e.getMessage());
        }
    }

    private static Precision precision(Descriptor descriptor, Path file) {
        if (descriptor.precision() == null) {
            return Precision.FP32;
        }
        try {
            return Precision.parse(descriptor.precision());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(file, "'precision' " + e.getMessage().replace("precision ", ""));
        }
    }

    /** model.yaml as written. */
    record Descriptor(
            String name,
            String engine,
            Input input,
            List<String> labels,
            @JsonProperty("labels-file") String labelsFile,
            @JsonProperty("target-layer") String targetLayer,
            @JsonProperty("batch-size") String batchSize,
            String precision,
            String task,
            @JsonProperty("max-detections") Integer maxDetections,
            String layout,
            @JsonProperty("prefix-tokens") Integer prefixTokens,
            Grid grid) {}

    record Grid(Integer width, Integer height) {}

    record Input(Integer width, Integer height, List<Float> mean, List<Float> std, String resize) {}
}
