package dev.scorecam.cam;

import java.util.List;

/**
 * The faithfulness of every map of one explanation.
 *
 * @param classes one per map, in the explanation's order
 * @param forwardPasses images run through the network to measure it, counted as the calls were made
 */
public record FaithfulnessResult(List<ClassFaithfulness> classes, int forwardPasses) {}
