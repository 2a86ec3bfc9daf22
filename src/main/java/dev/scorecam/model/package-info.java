/**
 * Model packages and their serving: reading and checking {@code model.yaml}, loading the network
 * file with the engine the package names ({@link dev.scorecam.model.ModelEngine}, the one place that
 * knows an engine's classes), one copy per device, batch-size tuning and health. Engine types stop
 * here and in {@code cam}. May import {@code cam}, {@code imaging} and {@code config}.
 */
package dev.scorecam.model;
