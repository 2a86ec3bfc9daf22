package dev.scorecam.cluster;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.scorecam.problem.ProblemType;

/**
 * A worker ({@code scorecam.role=worker}) serves only /actuator (probes, metrics): every other
 * path answers 404 /problems/not-found saying so, so that a worker behind a wrong Service is
 * noticed at once instead of taking uploads it would have to queue.
 */
@Component
@ConditionalOnProperty(name = "scorecam.role", havingValue = "worker")
class WorkerRoleFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            chain.doFilter(request, response);
            return;
        }
        ProblemType notFound = ProblemType.NOT_FOUND;
        response.setStatus(notFound.status());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"" + notFound.type() + "\",\"title\":\"" + notFound.title()
                + "\",\"status\":" + notFound.status()
                + ",\"detail\":\"this instance is a worker (scorecam.role=worker): it computes queued jobs and serves only /actuator\"}");
    }
}
