/**
 * An instance's part in a scaled-out deployment: what its role serves ({@code api}, {@code worker},
 * {@code all}), its readiness on the shared queue, and the Redis client built from every
 * {@code spring.data.redis.*} setting (Sentinel, TLS, ACL user) that the job system and the rate
 * limits share. May import {@code config}, {@code jobs} (and its Redis system) and {@code problem}.
 */
package dev.scorecam.cluster;
