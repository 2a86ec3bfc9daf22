package dev.scorecam.security;

import jakarta.servlet.DispatcherType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerExceptionResolver;

import dev.scorecam.security.SecurityProperties.Mode;

/**
 * The one filter chain of the service, by {@code scorecam.security.mode}:
 * <ul>
 * <li>{@code none}: everything open, as before this package existed (a WARN at start says so);</li>
 * <li>{@code api-key}: {@code /v1/**} and {@code /v2/models/**} need a key ({@link ApiKeyAuthenticationFilter});</li>
 * <li>{@code jwt}: {@code /v1/**} and {@code /v2/models/**} need a bearer token the configured {@link JwtDecoder} accepts.</li>
 * </ul>
 * Always open: the health probes (the actuator's and the Open Inference Protocol's {@code /v2/health/*}), the API document and Swagger UI, the web page, CORS preflights.
 * The other actuator endpoints need credentials on the API port, and are open on a separate
 * management port ({@code management.server.port}), which the container image and chart use so
 * that they never face clients. Stateless: no sessions, no cookies, so no CSRF to guard against.
 * Limits apply to every mode ({@link RateLimitFilter}, {@link JobQuota}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, RejectionMetrics metrics,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver, BucketStore buckets,
            Environment environment, ObjectProvider<JwtDecoder> decoders) throws Exception {
        Mode mode = properties.mode();
        String scope = mode == Mode.JWT ? blankToNull(properties.jwt().requiredScope()) : null;
        ProblemResponses problems = new ProblemResponses(resolver, metrics, scope);

        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .cors(Customizer.withDefaults()) // scorecam.cors, as Spring MVC has it (config/CorsConfig)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(requests -> {
                    // The first dispatch decided; an event stream's async dispatch and error pages follow it.
                    requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR, DispatcherType.FORWARD)
                            .permitAll();
                    requests.requestMatchers(CorsUtils::isPreFlightRequest).permitAll();
                    requests.requestMatchers(managementPort(environment)).permitAll();
                    requests.requestMatchers("/actuator/health", "/actuator/health/**").permitAll();
                    switch (mode) {
                        case NONE -> { } // open, as below
                        case API_KEY -> requests.requestMatchers("/v1/**", "/v2/models/**", "/actuator/**").authenticated();
                        case JWT -> {
                            if (scope != null) {
                                requests.requestMatchers("/v1/**", "/v2/models/**").hasAuthority("SCOPE_" + scope);
                            }
                            requests.requestMatchers("/v1/**", "/v2/models/**", "/actuator/**").authenticated();
                        }
                    }
                    requests.anyRequest().permitAll(); // the page, /v3/api-docs, Swagger UI
                });

        switch (mode) {
            case NONE -> log.warn("scorecam.security.mode=none: the API is open to anyone who can reach this port; "
                    + "see docs/security.md for API keys or JWT");
            case API_KEY -> {
                ApiKeys keys = ApiKeys.load(properties.apiKeysFile(), properties.apiKeys());
                if (keys.size() == 0) {
                    throw new IllegalStateException("scorecam.security.mode=api-key needs keys: "
                            + "scorecam.security.api-keys-file or scorecam.security.api-keys.<client>=<sha256 hex>");
                }
                log.info("API keys: {} for clients {}", keys.size(), keys.clients());
                http.addFilterBefore(new ApiKeyAuthenticationFilter(keys, problems),
                        AbstractPreAuthenticatedProcessingFilter.class);
            }
            case JWT -> {
                JwtDecoder decoder = decoders.getIfAvailable();
                if (decoder == null) {
                    throw new IllegalStateException("scorecam.security.mode=jwt needs a key to check tokens with: "
                            + "spring.security.oauth2.resourceserver.jwt.issuer-uri, jwk-set-uri or public-key-location");
                }
                String claim = properties.jwt().clientClaim();
                JwtAuthenticationConverter named = new JwtAuthenticationConverter();
                named.setPrincipalClaimName(claim);
                // A token that names no client cannot own jobs or have limits: refused like a bad one.
                Converter<Jwt, AbstractAuthenticationToken> clients = jwt -> {
                    String client = jwt.getClaimAsString(claim);
                    if (client == null || client.isBlank()) {
                        throw new InvalidBearerTokenException("the token has no '" + claim + "' claim");
                    }
                    return named.convert(jwt);
                };
                // An issuer out of reach is the service's trouble, not the token's: 503, never a 500.
                AuthenticationEntryPointFailureHandler failures = new AuthenticationEntryPointFailureHandler(problems);
                failures.setRethrowAuthenticationServiceException(false);
                http.oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(unreachableIssuerAsServiceFailure(decoder)).jwtAuthenticationConverter(clients))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems)
                        .withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                            @Override
                            public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                                filter.setAuthenticationFailureHandler(failures);
                                return filter;
                            }
                        }));
                log.info("JWT bearer tokens; the client is the claim '{}'{}", properties.jwt().clientClaim(),
                        scope == null ? "" : ", scope '" + scope + "' required");
            }
        }

        RateLimiter limiter = new RateLimiter(buckets, properties.limits());
        if (limiter.enabled()) {
            http.addFilterAfter(new RateLimitFilter(limiter, problems), AuthorizationFilter.class);
        }
        return http.build();
    }

    /**
     * The decoder, with a failure to fetch the issuer's discovery document (made lazily, at the
     * first token) told as the issuer being out of reach, as a failure to fetch its keys already
     * is: a {@link JwtException} that is not about the token, which Spring answers as a service
     * failure (503 here) instead of letting it escape as a 500.
     */
    static JwtDecoder unreachableIssuerAsServiceFailure(JwtDecoder decoder) {
        return token -> {
            try {
                return decoder.decode(token);
            } catch (JwtDecoderInitializationException e) {
                throw new JwtException("the issuer's configuration cannot be fetched", e);
            }
        };
    }

    @Bean
    JobQuota jobQuota(JobSlots slots, SecurityProperties properties) {
        return new JobQuota(slots, properties.limits());
    }

    /**
     * Requests that arrive on a separate management port: only operators reach it (the chart
     * exposes it to the cluster, not the ingress), so the endpoints there need no credentials.
     */
    static RequestMatcher managementPort(Environment environment) {
        return request -> {
            Integer management = environment.getProperty("local.management.port", Integer.class);
            Integer api = environment.getProperty("local.server.port", Integer.class);
            return management != null && management > 0 && !management.equals(api)
                    && request.getLocalPort() == management;
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
