package dev.scorecam.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import ai.djl.Device;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.ScoreCamProperties.ModelOverrides;

import jakarta.annotation.PreDestroy;

/**
 * The models this instance serves: the bundled demo models (a CNN and a ViT classifier, a detector), always,
 * and every package found in
 * {@code scorecam.model-dirs}. All load and warm up before the service takes traffic; a broken
 * package stops start-up with a message naming the file.
 */
@Component
public class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    static final String DEMO_MODEL = "demo-model/fashion-cnn/";
    static final String DEMO_DETECTOR = "demo-model/fashion-detector/";
    static final String DEMO_VIT = "demo-model/fashion-vit/";
    private static final List<String> DEMOS = List.of(DEMO_MODEL, DEMO_VIT, DEMO_DETECTOR);

    private final Map<String, ModelPool> models = new LinkedHashMap<>();
    private final Path demoDirectory;

    public ModelRegistry(ScoreCamProperties properties, TorchEngine engine) {
        this.demoDirectory = extractDemoModels();
        List<ModelPackage> packages = new ArrayList<>();
        for (String demo : DEMOS) {
            packages.add(ModelPackageReader.read(demoDirectory.resolve(demo)));
        }
        for (Path dir : properties.modelDirs()) {
            packages.addAll(packagesIn(dir));
        }
        try {
            for (ModelPackage modelPackage : packages) {
                register(load(modelPackage, properties, engine));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The model on its first device: what requests are checked and prepared against. */
    public Optional<ServedModel> find(String name) {
        return pool(name).map(ModelPool::primary);
    }

    public Collection<ServedModel> all() {
        return models.values().stream().map(ModelPool::primary).toList();
    }

    /** The model on every device it is served from, with its workers per device. */
    public Optional<ModelPool> pool(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public Collection<ModelPool> pools() {
        return models.values();
    }

    private static ModelPool load(ModelPackage modelPackage, ScoreCamProperties properties, TorchEngine engine) {
        ModelOverrides overrides = properties.overridesFor(modelPackage.name());
        BatchSize batchSize = overrides.batchSize() != null ? BatchSize.parse(overrides.batchSize()) : modelPackage.batchSize();
        Precision asked = overrides.precision() != null ? Precision.parse(overrides.precision()) : modelPackage.precision();
        int workers = properties.workersPerDeviceFor(modelPackage.name());
        List<ServedModel> replicas = new ArrayList<>();
        try {
            for (String device : properties.devicesFor(modelPackage.name())) {
                long start = System.nanoTime();
                Device target = engine.device(device);
                Precision precision = PrecisionSupport.onDevice(modelPackage.name(), asked, target, CpuFeatures.nativeBf16());
                ServedModel model = ServedModel.load(modelPackage, target, new ServingOptions(precision, batchSize,
                        properties.engine().warmupPasses(), properties.limits().maxBatchSize(),
                        properties.engine().batchTuningTime(), properties.engine().graphOptimizer(), engine.threads(),
                        workers));
                replicas.add(model);
                log.info("Model {} loaded from {} on {}: {} ({}), {} channels at {}x{}, {} classes, {}, batch {}{}, {} worker(s){}, in {} ms",
                        model.name(), modelPackage.directory(), model.device(),
                        modelPackage.weights(model.precision()).getFileName(), model.form(), model.channels(),
                        model.activationHeight(), model.activationWidth(), modelPackage.labels().size(),
                        model.precision().id(), model.batchSize(),
                        model.batchSizeMeasured() ? " (auto, measured " + model.batchMeasurements() + ")" : "",
                        workers, model.network().lanes().count() > 1
                                ? " of " + model.network().lanes().count() + " lanes each" : "",
                        (System.nanoTime() - start) / 1_000_000);
            }
            return new ModelPool(replicas, workers);
        } catch (RuntimeException e) {
            replicas.forEach(ServedModel::close);
            throw e;
        }
    }

    private void register(ModelPool pool) {
        ModelPool previous = models.putIfAbsent(pool.name(), pool);
        if (previous != null) {
            pool.close();
            throw new ModelPackageException(
                    pool.primary().modelPackage().directory().resolve(ModelPackage.DESCRIPTOR_FILE),
                    "model name '" + pool.name() + "' is already served from "
                            + previous.primary().modelPackage().directory());
        }
    }

    /** A directory is either one package or a folder of packages (one per subdirectory). */
    static List<ModelPackage> packagesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelPackageException(dir, "not a directory (listed in scorecam.model-dirs)");
        }
        if (ModelPackageReader.isPackage(dir)) {
            return List.of(ModelPackageReader.read(dir));
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(ModelPackageReader::isPackage)
                    .sorted()
                    .map(ModelPackageReader::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * libtorch loads from a file, and the demo models may sit inside the executable jar: each is
     * copied into a directory of its own under one temporary directory.
     */
    private static Path extractDemoModels() {
        try {
            Path root = Files.createTempDirectory("scorecam-demo-models");
            for (String demo : DEMOS) {
                Path dir = Files.createDirectories(root.resolve(demo));
                for (String file : List.of(ModelPackage.DESCRIPTOR_FILE, ModelPackage.WEIGHTS_FILE)) {
                    try (InputStream in = new ClassPathResource(demo + file).getInputStream()) {
                        Files.copy(in, dir.resolve(file));
                    }
                }
                // The network in other precisions, for scorecam.models.<name>.precision.
                for (Precision precision : Precision.values()) {
                    ClassPathResource variant = new ClassPathResource(demo + precision.weightsFile());
                    if (precision != Precision.FP32 && variant.exists()) {
                        try (InputStream in = variant.getInputStream()) {
                            Files.copy(in, dir.resolve(precision.weightsFile()));
                        }
                    }
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("a bundled demo model is missing from the classpath", e);
        }
    }

    @PreDestroy
    public void close() {
        models.values().forEach(ModelPool::close);
        models.clear();
        FileSystemUtils.deleteRecursively(demoDirectory.toFile());
    }
}
