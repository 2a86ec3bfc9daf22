/**
 * The CAM methods, pure computation on a {@link dev.scorecam.cam.Network} with no Spring: one
 * skeleton ({@code CamRun} first and last, {@code MaskedScores} and {@code BatchScoring} for the
 * masking family), the shared arithmetic in {@code CamMath}, each method a small class that reads
 * like its paper, and the {@link dev.scorecam.cam.MethodCatalogue} that names them and declares
 * their parameters. May import DJL's arrays only; every other package may import it.
 */
package dev.scorecam.cam;
