/**
 * An instance's part in a scaled-out deployment: what its role serves ({@code api}, {@code worker},
 * {@code all}) and its readiness on the shared queue. May import {@code config}, {@code jobs} (and
 * its Redis system) and {@code problem}.
 */
package dev.scorecam.cluster;
