/**
 * The request pipeline: a request as a client asks for it
 * ({@link dev.scorecam.explain.ExplanationRequest}) is checked and its image decoded and prepared
 * ({@link dev.scorecam.explain.PreparedRequest}), then computed on a model
 * ({@link dev.scorecam.explain.Explanation}); what a client must fix is a
 * {@link dev.scorecam.explain.Rejection}. Reads and writes no bytes and knows no job system. May
 * import {@code cam}, {@code imaging}, {@code model}, {@code config} and {@code problem}.
 */
package dev.scorecam.explain;
