/**
 * A job system that knows nothing of explanations or Spring: bounded queues, job states, events and
 * progress, the in-memory implementation and the contract any other backend passes. May import
 * {@code problem} only; its Redis implementation lives in {@code jobs.redis}.
 */
package dev.scorecam.jobs;
