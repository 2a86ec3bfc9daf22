/**
 * The HTTP API: the controllers of explanations, jobs, batches, models and methods (and the same explanations
 * in KServe's V1 protocol, with the Open Inference Protocol's health and metadata), the request form bound
 * once for the synchronous and job endpoints, the response shapes (JSON, PNG, {@code .npy}) and the
 * mapping of every domain problem to an RFC 9457 response. The only package that knows HTTP status
 * codes. May import {@code explain}, {@code queue}, {@code jobs}, {@code cam} (method catalogue),
 * {@code model}, {@code imaging}, {@code security} and {@code problem}; nothing imports it.
 */
package dev.scorecam.api;
