package dev.scorecam.api;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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

import dev.scorecam.explain.RequestRejectedException;
import dev.scorecam.imaging.ImageException;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.ShuttingDownException;

/**
 * Every error leaves as application/problem+json with a stable type. Spring's own errors keep
 * their status and get a type by status; nothing internal (class names, stack traces) leaks.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    /** Types for the errors Spring MVC raises itself, by status. */
    private static final Map<Integer, String> SPRING_TYPES = Map.of(
            400, "invalid-request",
            404, "not-found",
            405, "method-not-allowed",
            406, "not-acceptable",
            413, "upload-too-large",
            415, "unsupported-media-type");

    @ExceptionHandler(RequestRejectedException.class)
    ProblemDetail rejected(RequestRejectedException e) {
        var rejection = e.rejection();
        return Problems.of(rejection.status(), rejection.slug(), rejection.title(), e.getMessage());
    }

    @ExceptionHandler(ImageException.class)
    ProblemDetail badImage(ImageException e) {
        return switch (e.problemType()) {
            case "unsupported-image" -> Problems.of(415, e.problemType(), "Unsupported image format", e.getMessage());
            case "image-too-large" -> Problems.of(413, e.problemType(), "Image too large", e.getMessage());
            default -> Problems.of(400, e.problemType(), "Invalid image", e.getMessage());
        };
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(QueueFullException e) {
        return JobProblems.queueFull(e.getMessage(), e.retryAfter());
    }

    @ExceptionHandler(ShuttingDownException.class)
    ProblemDetail shuttingDown(ShuttingDownException e) {
        return JobProblems.shuttingDown(e.getMessage());
    }

    @ExceptionHandler(JobFailedException.class)
    ProblemDetail jobFailed(JobFailedException e) {
        return JobProblems.of(e.error());
    }

    @ExceptionHandler(JobProblemException.class)
    ProblemDetail jobProblem(JobProblemException e) {
        return e.problem();
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return Problems.of(400, "invalid-parameter", "Invalid parameter",
                "'" + e.getName() + "' cannot be '" + e.getValue() + "'");
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail malformedMultipart(MultipartException e) {
        return Problems.of(400, "invalid-request", "Malformed multipart request",
                "the request body is not valid multipart/form-data");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return Problems.of(500, "internal-error", "Internal error", "the request failed unexpectedly; see the server log");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        // The body is often still null here: the superclass takes it from the exception.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            String slug = SPRING_TYPES.getOrDefault(statusCode.value(),
                    HttpStatus.resolve(statusCode.value()) == null ? "error" : "http-" + statusCode.value());
            problem.setType(Problems.type(slug));
        }
        return response;
    }
}
