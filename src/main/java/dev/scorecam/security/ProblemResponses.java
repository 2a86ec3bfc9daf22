package dev.scorecam.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.web.servlet.HandlerExceptionResolver;

import dev.scorecam.jobs.BackendUnavailableException;
import dev.scorecam.problem.ProblemException;

/**
 * Refusals made before Spring MVC (no or bad credentials, a missing scope, a limit) answered as
 * every other problem is: the exception goes to MVC's exception resolvers, so the API's own advice
 * writes the problem JSON. Headers are set first: {@code WWW-Authenticate} with a 401 (RFC 6750's
 * Bearer challenge, as both API keys and tokens may be sent as Bearer). Each refusal is counted.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String REALM = "Bearer realm=\"scorecam\"";

    private final HandlerExceptionResolver resolver;
    private final RejectionMetrics metrics;
    private final String requiredScope;

    ProblemResponses(HandlerExceptionResolver resolver, RejectionMetrics metrics, String requiredScope) {
        this.resolver = resolver;
        this.metrics = metrics;
        this.requiredScope = requiredScope;
    }

    /**
     * No credentials, or credentials that were refused; or a token that could not be checked
     * because the issuer is out of reach ({@link AuthenticationServiceException}: 503).
     */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof AuthenticationServiceException) {
            write(request, response, new IssuerUnavailableException());
            return;
        }
        metrics.rejected(RejectionMetrics.Reason.UNAUTHENTICATED);
        boolean presented = e instanceof BadCredentialsException || e instanceof OAuth2AuthenticationException;
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, presented ? REALM + ", error=\"invalid_token\"" : REALM);
        write(request, response, presented ? UnauthenticatedException.rejected() : UnauthenticatedException.missing());
    }

    /** Authenticated, but the token lacks the required scope. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        metrics.rejected(RejectionMetrics.Reason.FORBIDDEN);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\""
                + (requiredScope == null ? "" : ", scope=\"" + requiredScope + "\""));
        write(request, response, requiredScope == null
                ? new ForbiddenException("this client may not do this") : ForbiddenException.missingScope(requiredScope));
    }

    void rateLimited(HttpServletRequest request, HttpServletResponse response, RateLimitedException e) throws IOException {
        metrics.rejected(RejectionMetrics.Reason.RATE_LIMITED);
        write(request, response, e);
    }

    /** The limits' buckets (in Redis) out of reach: 503, as the job queue answers then. */
    void unavailable(HttpServletRequest request, HttpServletResponse response, BackendUnavailableException e)
            throws IOException {
        write(request, response, e);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ProblemException e) throws IOException {
        if (resolver.resolveException(request, response, null, e) == null) {
            response.sendError(e.problemType().status(), e.detail()); // no advice: a plain error, still the status
        }
    }
}
