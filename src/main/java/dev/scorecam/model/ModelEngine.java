package dev.scorecam.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;

import dev.scorecam.cam.Network;

/**
 * The engines a model package may name ({@code engine:} in model.yaml), each with what turns the
 * package's network file into a {@link Network}. Another engine is one more constant and the class
 * that loads its files; nothing outside this package knows which engine runs a model.
 */
public enum ModelEngine {

    TORCHSCRIPT("torchscript", "TorchScript with forward/features/head", TorchScriptNetwork::load);

    /** A network file loaded on a device: the model owns its native memory and makes each request's arrays. */
    record Loaded(Model model, Network network) {}

    @FunctionalInterface
    interface Loader {
        /** Loads {@code file} onto {@code device}; the caller closes the model. */
        Loaded load(String name, Path file, Device device, ServingOptions options)
                throws IOException, MalformedModelException;
    }

    private final String id;
    private final String expects;
    private final Loader loader;

    ModelEngine(String id, String expects, Loader loader) {
        this.id = id;
        this.expects = expects;
        this.loader = loader;
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
