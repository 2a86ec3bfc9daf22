/**
 * The Redis wire format of explanation jobs: a prepared request and its explanation as versioned,
 * deflated bytes ({@link dev.scorecam.wire.ExplanationCodecs}), with the byte writer and reader
 * beside it. Each version reads its own payloads and those of the version before. May import
 * {@code explain}, {@code cam}, {@code imaging}, {@code model} and {@code jobs.redis}'s codec
 * interface and its unreadable-payload exception; nothing imports it but {@code queue}.
 */
package dev.scorecam.wire;
