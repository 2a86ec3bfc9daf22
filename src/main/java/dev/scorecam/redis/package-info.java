/**
 * Connections to Redis as every feature that keeps state there uses them: opened when first needed
 * and again after they broke. Imports nothing of the service; the job system, the answer cache,
 * batches and the rate limits import it.
 */
package dev.scorecam.redis;
