/**
 * The job system shared through Redis: a stream per model for the queue, a hash per job, Lua
 * scripts for every state change, pub/sub for events, and workers that claim what a dead one left.
 * Payloads pass through a {@link dev.scorecam.jobs.redis.Codec} it is given. May import {@code jobs}
 * and {@code redis} only.
 */
package dev.scorecam.jobs.redis;
