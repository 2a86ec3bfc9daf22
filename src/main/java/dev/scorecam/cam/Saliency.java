package dev.scorecam.cam;

/**
 * A class activation map at the model's input resolution, row-major, normalised to [0,1].
 *
 * @param allZero true when nothing is left after the ReLU (no channel speaks for the class), or
 *     the scores were not finite: then every value is 0
 * @param weights the channel weights alpha_k that produced the map, one per channel
 */
public record Saliency(int width, int height, float[] values, boolean allZero, double[] weights) {}
