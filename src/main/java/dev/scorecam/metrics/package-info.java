/**
 * Micrometer meters kept out of business code: engine passes, job outcomes and queue gauges, fed by
 * listeners. May import {@code model}, {@code jobs} and {@code explain}; nothing imports it.
 */
package dev.scorecam.metrics;
