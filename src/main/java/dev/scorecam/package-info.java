/**
 * scorecam-server: a REST service that explains image models with Score-CAM and related CAM
 * methods. Packages by feature: {@code api} (HTTP) over {@code queue} (jobs of explanations) and
 * {@code explain} (the request pipeline), over {@code model} (served models and engines),
 * {@code cam} (the methods) and {@code imaging}; {@code jobs} stands alone; no import runs back up.
 */
package dev.scorecam;
