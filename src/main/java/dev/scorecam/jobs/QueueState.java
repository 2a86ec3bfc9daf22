package dev.scorecam.jobs;

/**
 * One model's queue at one moment.
 *
 * @param waiting jobs waiting for a worker
 * @param capacity jobs that may wait before new ones are refused
 * @param busy workers computing a job
 * @param workers workers of the model, on all its devices
 */
public record QueueState(String model, int waiting, int capacity, int busy, int workers) {}
