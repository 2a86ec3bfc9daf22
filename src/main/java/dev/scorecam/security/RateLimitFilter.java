package dev.scorecam.security;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.scorecam.jobs.BackendUnavailableException;

/**
 * Counts each API request ({@code /v1/**}, {@code /v2/models/**}) of an authenticated client
 * against its limits, after authentication and before any work: over a limit, 429
 * {@code /problems/rate-limited} with {@code Retry-After}; within it, the {@code RateLimit} headers
 * say what is left. A model named in the path ({@code /v1/models/{model}/...},
 * {@code /v1/models/{model}:explain}, {@code /v2/models/{model}/...}) counts against that model's limit too.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private static final String API = "/v1/";
    private static final String MODELS = "/v1/models/";
    private static final String V2_MODELS = "/v2/models/";

    private final RateLimiter limiter;
    private final ProblemResponses problems;

    RateLimitFilter(RateLimiter limiter, ProblemResponses problems) {
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.startsWith(API) || path.startsWith(V2_MODELS)) || CorsUtils.isPreFlightRequest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<Quota> quotas;
        try {
            quotas = limiter.request(Clients.current(), model(path(request)));
        } catch (RateLimitedException e) {
            problems.rateLimited(request, response, e);
            return;
        } catch (BackendUnavailableException e) {
            problems.unavailable(request, response, e);
            return;
        }
        RateLimitHeaders.of(quotas).forEach(response::setHeader);
        chain.doFilter(request, response);
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /** {@code /v1/models/{model}}, its {@code :explain}, {@code /v2/models/{model}} and below name a model; other paths none. */
    static String model(String path) {
        String models = path.startsWith(MODELS) ? MODELS : path.startsWith(V2_MODELS) ? V2_MODELS : null;
        if (models == null || path.length() == models.length()) {
            return null;
        }
        int end = path.indexOf('/', models.length());
        int verb = path.indexOf(':', models.length()); // a model's name has no colon
        end = verb >= 0 && (end < 0 || verb < end) ? verb : end;
        String segment = path.substring(models.length(), end < 0 ? path.length() : end);
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment; // a malformed escape names no served model; the API answers 404 later
        }
    }
}
