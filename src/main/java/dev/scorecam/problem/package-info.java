/**
 * The problem catalogue: each kind of problem (slug, status, title) defined once, and the exception
 * type domain code throws to name one. Imports nothing of the service; every package may import it.
 */
package dev.scorecam.problem;
