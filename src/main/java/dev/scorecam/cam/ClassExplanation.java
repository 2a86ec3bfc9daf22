package dev.scorecam.cam;

/** The Score-CAM map for one target class. */
public record ClassExplanation(int target, Saliency saliency) {}
