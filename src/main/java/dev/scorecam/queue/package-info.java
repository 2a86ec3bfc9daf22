/**
 * Explanations as jobs: which job system runs them ({@code scorecam.queue.backend}: in this
 * process or shared through Redis), their workers on each model's copies, and what the API asks of
 * it ({@link dev.scorecam.queue.ExplanationJobs}: wait with a timeout, submit, find, cancel), and
 * batches of them ({@link dev.scorecam.queue.ExplanationBatches}: one job per image, the batch kept
 * beside the jobs). May import {@code explain}, {@code wire}, {@code jobs} (and its Redis system),
 * {@code model}, {@code config}, {@code cluster}'s Redis client, {@code redis} and {@code security}'s job quota; {@code api}
 * imports it.
 */
package dev.scorecam.queue;
