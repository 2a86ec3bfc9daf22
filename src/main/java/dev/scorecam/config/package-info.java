/**
 * The typed configuration records ({@code scorecam.*}) and the settings that are only wiring
 * (CORS). Imports no other package of the service; every other package may import it.
 */
package dev.scorecam.config;
