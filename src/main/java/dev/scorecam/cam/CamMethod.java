package dev.scorecam.cam;

import ai.djl.ndarray.NDArray;

/**
 * A class activation map method with its parameters bound: Score-CAM and its variants, the
 * gradient methods, and those that rescore modified activations through {@code head} only. Each
 * counts the passes it runs on the network as they happen.
 */
public interface CamMethod {

    /**
     * @param input one image in the model's normalised input space, (1,3,H,W)
     * @param score what is read as a target class's score S^c
     * @param batchSize masked inputs per forward pass (methods that mask)
     * @param progress told between batches; may throw to stop the computation
     */
    CamResult explain(Network network, NDArray input, Targets targets, ScoreKind score, int batchSize,
            Progress progress);
}
