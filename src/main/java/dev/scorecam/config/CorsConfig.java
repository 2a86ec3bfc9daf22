package dev.scorecam.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for the API ({@code /v1/**}) from the origins in {@code scorecam.cors.allowed-origins}, none
 * by default. Browsers may read the headers a client needs: {@code Location} of a new job,
 * {@code Retry-After} of a full queue and {@code Scorecam-Target} of a PNG explanation (and, with
 * security on, {@code WWW-Authenticate} and the {@code RateLimit} fields). No
 * credentials mode: the API has no cookies or sessions; API keys and tokens travel in headers.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CorsProperties.class)
class CorsConfig implements WebMvcConfigurer {

    static final String[] EXPOSED_HEADERS = {HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER, "Scorecam-Target",
            // docs/security.md: why a request was refused, and what is left of the client's limits
            HttpHeaders.WWW_AUTHENTICATE, "RateLimit", "RateLimit-Policy"};

    private final CorsProperties cors;

    CorsConfig(CorsProperties cors) {
        this.cors = cors;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (cors.allowedOrigins().isEmpty()) {
            return;
        }
        registry.addMapping("/v1/**")
                .allowedOriginPatterns(cors.allowedOrigins().toArray(String[]::new))
                .allowedMethods("GET", "POST", "DELETE")
                .allowedHeaders("*")
                .exposedHeaders(EXPOSED_HEADERS)
                .allowCredentials(false)
                .maxAge(cors.maxAge().toSeconds());
    }
}
