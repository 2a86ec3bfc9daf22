package dev.scorecam.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which web pages on other origins may call the API from a browser ({@code scorecam.cors.*}).
 *
 * @param allowedOrigins origins such as {@code https://app.example.com}, or patterns such as
 *     {@code https://*.example.com}; empty (the default) allows no cross-origin calls at all
 * @param maxAge how long a browser may cache a preflight answer
 */
@Validated
@ConfigurationProperties("scorecam.cors")
public record CorsProperties(
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("30m") @NotNull Duration maxAge) {}
