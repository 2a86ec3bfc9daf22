package dev.scorecam.api;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.scorecam.jobs.NoCompatibleWorkerException;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;
import dev.scorecam.security.RateLimitedException;

/**
 * Every error leaves as application/problem+json with a type from the {@link ProblemType}
 * catalogue: the domain's {@link ProblemException}s by the kind they name, Spring's own errors by
 * their status. Nothing internal (class names, stack traces) leaks.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    /** The errors Spring MVC raises itself, one type per status. */
    private static final List<ProblemType> FRAMEWORK = List.of(
            ProblemType.INVALID_REQUEST, ProblemType.NOT_FOUND, ProblemType.METHOD_NOT_ALLOWED,
            ProblemType.NOT_ACCEPTABLE, ProblemType.UPLOAD_TOO_LARGE, ProblemType.UNSUPPORTED_MEDIA_TYPE,
            ProblemType.INTERNAL_ERROR);

    /** Expected outcomes (bad input, a full queue, a timeout): answered, not logged. */
    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.problemType().status());
        if (e instanceof QueueFullException full) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, full.retryAfter().toSeconds())));
        } else if (e instanceof NoCompatibleWorkerException skew) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(skew.retryAfter().toSeconds()));
        } else if (e instanceof RateLimitedException limited) {
            limited.headers().forEach(response::header); // Retry-After and the RateLimit fields
        }
        return response.body(Problems.of(e));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return Problems.of(ProblemType.INVALID_PARAMETER, "'" + e.getName() + "' cannot be '" + e.getValue() + "'");
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail malformedMultipart(MultipartException e) {
        return Problems.of(ProblemType.INVALID_REQUEST, "the request body is not valid multipart/form-data");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return internalError();
    }

    static ProblemDetail internalError() {
        return Problems.of(ProblemType.INTERNAL_ERROR, "the request failed unexpectedly; see the server log");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        // The body is often still null here: the superclass takes it from the exception.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            typed(problem);
        }
        return response;
    }

    /**
     * Gives a problem Spring made the catalogue's type and title for its status. A status the
     * catalogue has no framework type for keeps Spring's {@code about:blank}: the status says it all.
     */
    static ProblemDetail typed(ProblemDetail problem) {
        frameworkType(problem.getStatus()).ifPresent(type -> {
            problem.setType(type.type());
            problem.setTitle(type.title());
        });
        return problem;
    }

    private static Optional<ProblemType> frameworkType(int status) {
        return FRAMEWORK.stream().filter(type -> type.status() == status).findFirst();
    }
}
