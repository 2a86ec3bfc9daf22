package dev.scorecam.model;

/**
 * Told of every forward pass a computation runs through a model, with its batch size: the hook
 * metrics use, so that neither the engine nor the algorithm knows about them. Called on the
 * worker's thread between engine calls: keep it fast and never throw.
 */
@FunctionalInterface
public interface ForwardPassListener {

    ForwardPassListener NONE = (model, batchSize) -> {};

    /** One pass of {@code batchSize} images through the whole network of {@code model}. */
    void forwardPass(String model, long batchSize);

    /** One backward pass of {@code batchSize} images through the head of {@code model} (the gradient methods). */
    default void backwardPass(String model, long batchSize) {}

    /** One pass of {@code batchSize} modified activations through the head of {@code model} alone (Recipro-CAM, Ablation-CAM). */
    default void headPass(String model, long batchSize) {}
}
