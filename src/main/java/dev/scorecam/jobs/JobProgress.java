package dev.scorecam.jobs;

/**
 * How far a running job is: units of work done (for an explanation, masked inputs scored) out of
 * all it will do.
 */
public record JobProgress(int done, int total) {}
