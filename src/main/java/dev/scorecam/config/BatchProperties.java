package dev.scorecam.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Batches of images explained as one ({@code scorecam.batches.*}); each image is a job of its own.
 *
 * @param maxImages images one batch may hold; more is refused with 400 (each image also counts
 *     against the model's queue and the client's concurrent jobs)
 */
@Validated
@ConfigurationProperties("scorecam.batches")
public record BatchProperties(@DefaultValue("32") @Min(1) @Max(10000) int maxImages) {}
