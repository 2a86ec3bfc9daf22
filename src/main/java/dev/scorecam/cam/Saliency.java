package dev.scorecam.cam;

/**
 * A class activation map at the model's input resolution, row-major, normalised to [0,1].
 *
 * @param allZero true when nothing is left after the ReLU (no channel speaks for the class), or
 *     the scores were not finite: then every value is 0
 * @param weights what the map was made from: the channel weights alpha_k, one per channel (for
 *     LayerCAM and HiResCAM each channel's mean weight, for Eigen-CAM the principal direction), or
 *     for Recipro-CAM the score of each cell of the h x w grid, row-major
 */
public record Saliency(int width, int height, float[] values, boolean allZero, double[] weights) {}
