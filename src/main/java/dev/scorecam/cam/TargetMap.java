package dev.scorecam.cam;

/** The map a CAM method made for one target. */
public record TargetMap(Target target, Saliency saliency) {}
