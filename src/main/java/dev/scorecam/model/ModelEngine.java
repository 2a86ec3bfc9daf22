package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;

import org.slf4j.LoggerFactory;

import dev.scorecam.cam.Network;

/**
 * The engines a model package may name ({@code engine:} in model.yaml), each with what turns the
 * package's network file into a {@link Network}. Another engine is one more constant and the class
 * that loads its files; nothing outside this package knows which engine runs a model.
 */
public enum ModelEngine {

    TORCHSCRIPT("torchscript", "TorchScript with forward/features/head", ".pt", TorchScriptNetwork::load),
    ONNXRUNTIME("onnxruntime", "ONNX with the logits and the target layer's activations as outputs", ".onnx",
            OnnxNetwork::load);

    /**
     * A network file loaded on a device: the model makes each request's arrays; {@code engineResources}
     * is what else the engine holds natively (nothing for libtorch, whose model owns its module);
     * {@code form} says in words what form the file is in, for the start-up log.
     */
    record Loaded(Model model, Network network, AutoCloseable engineResources, String form) {

        Loaded(Model model, Network network, String form) {
            this(model, network, () -> {}, form);
        }

        Loaded withNetwork(Network other) {
            return new Loaded(model, other, engineResources, form);
        }

        /** Frees the engine's resources and the model's arrays; never throws. */
        void close() {
            try {
                engineResources.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(ModelEngine.class).warn("Closing {} failed: {}", model.getName(), e.toString());
            } finally {
                model.close();
            }
        }
    }

    @FunctionalInterface
    interface Loader {
        /** Loads {@code file} onto {@code device}; the caller closes the model. */
        Loaded load(String name, Path file, Device device, ServingOptions options)
                throws IOException, MalformedModelException;
    }

    private final String id;
    private final String expects;
    private final String extension;
    private final Loader loader;

    ModelEngine(String id, String expects, String extension, Loader loader) {
        this.id = id;
        this.expects = expects;
        this.extension = extension;
        this.loader = loader;
    }

    /** The package's network file in a precision: model.pt, model-bf16.pt, model.onnx. */
    String networkFile(Precision precision) {
        String torchScript = precision.weightsFile();
        return torchScript.substring(0, torchScript.length() - ".pt".length()) + extension;
    }

    /** As model.yaml writes it. */
    public String id() {
        return id;
    }

    /** What a network file must be for this engine, for messages. */
    String expects() {
        return expects;
    }

    Loaded load(String name, Path file, Device device, ServingOptions options)
            throws IOException, MalformedModelException {
        return loader.load(name, file, device, options);
    }

    /** @throws IllegalArgumentException naming the engines there are */
    static ModelEngine parse(String value) {
        String id = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(e -> e.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'engine' must be one of "
                        + String.join(", ", Arrays.stream(values()).map(ModelEngine::id).toList())
                        + ", not '" + value + "'"));
    }
}
