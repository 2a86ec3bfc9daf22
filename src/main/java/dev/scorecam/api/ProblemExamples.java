package dev.scorecam.api;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.explain.Rejection;
import dev.scorecam.imaging.ImageFormat;
import dev.scorecam.imaging.ImageTooLargeException;
import dev.scorecam.imaging.InvalidImageException;
import dev.scorecam.imaging.UnsupportedImageException;
import dev.scorecam.jobs.BackendUnavailableException;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.NoCompatibleWorkerException;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.ShuttingDownException;
import dev.scorecam.problem.ProblemType;
import dev.scorecam.security.ForbiddenException;
import dev.scorecam.security.RateLimitedException;
import dev.scorecam.security.UnauthenticatedException;

/**
 * An example of each problem type for the OpenAPI document, made by the code that makes the
 * problem at run time (the domain exception with sample values, or Spring's own exception through
 * the advice), so that the document cannot drift from what the server says. The sample values are
 * what a server with the default settings answers to the request named beside each.
 */
final class ProblemExamples {

    /** The job id of the examples. */
    static final String JOB = "5f0c7d3e-8a4b-4c1e-9f7a-2b6d1e0c9a11";

    private ProblemExamples() {}

    static ProblemDetail of(ProblemType type) {
        return switch (type) {
            // POST /v1/models/fashion-cnn/explanations without an image part
            case INVALID_REQUEST -> framework(new MissingServletRequestPartException("image"));
            // alpha=2
            case INVALID_PARAMETER -> Problems.of(Rejection.notBetween("alpha", 0, 1, 2.0f));
            // a PNG cut short, or with a corrupt header
            case INVALID_IMAGE -> Problems.of(InvalidImageException.truncatedOrCorrupt(ImageFormat.PNG, null));
            // method=gradcam
            case UNKNOWN_METHOD -> Problems.of(Rejection.unknownMethod("lime", String.join(", ", MethodCatalogue.names())));
            // method=gradcam on a model served by ONNX Runtime
            case METHOD_UNSUPPORTED -> Problems.of(Rejection.methodUnsupported("gradcam", "resnet18-onnx", "onnxruntime",
                    "gradients", "scorecam, faster-scorecam, sscam, iscam"));
            // target=Giraffe
            case UNKNOWN_TARGET -> Problems.of(Rejection.unknownTarget("Giraffe"));
            // eleven targets, scorecam.limits.max-targets=10
            case TOO_MANY_TARGETS -> Problems.of(Rejection.tooManyTargets(11, 10));
            // box=10,10,40,40 with model fashion-cnn
            case NOT_A_DETECTOR -> Problems.of(Rejection.notADetector("fashion-cnn", "'box'"));
            // box=10,10,40
            case INVALID_BOX -> Problems.of(Rejection.malformedBox("10,10,40"));
            // box=10,10,400,40 on a 320x240 image
            case BOX_OUTSIDE_IMAGE -> Problems.of(Rejection.boxOutside("10,10,400,40", 320, 240));
            // detection=5 where the detector found 3
            case UNKNOWN_DETECTION -> Problems.of(Rejection.unknownDetection(5, 3));
            // scorecam.security.mode=api-key, a request without a key
            case UNAUTHENTICATED -> Problems.of(UnauthenticatedException.missing());
            // scorecam.security.jwt.required-scope=scorecam, a token without it
            case FORBIDDEN -> Problems.of(ForbiddenException.missingScope("scorecam"));
            // POST /v1/models/resnet/explanations
            case UNKNOWN_MODEL -> Problems.of(Rejection.unknownModel("resnet"));
            // GET /v1/jobs/5f0c...
            case UNKNOWN_JOB -> Problems.of(new UnknownJobException(JOB));
            // GET /v1/model
            case NOT_FOUND -> framework(new NoResourceFoundException(HttpMethod.GET, "/v1/model", "v1/model"));
            // GET /v1/models/fashion-cnn/explanations
            case METHOD_NOT_ALLOWED -> framework(new HttpRequestMethodNotSupportedException("GET", List.of("POST")));
            // Accept: text/html
            case NOT_ACCEPTABLE -> framework(new HttpMediaTypeNotAcceptableException(
                    List.of(MediaType.APPLICATION_JSON, MediaType.IMAGE_PNG, NpyFormat.MEDIA_TYPE)));
            // GET /v1/jobs/5f0c.../result while it runs
            case JOB_NOT_FINISHED -> Problems.of(new JobNotFinishedException(JOB, JobStatus.RUNNING));
            // GET /v1/jobs/5f0c.../result after DELETE /v1/jobs/5f0c...
            case JOB_CANCELLED -> Problems.of(JobError.cancelledByClient());
            // an upload over spring.servlet.multipart.max-file-size (20MB)
            case UPLOAD_TOO_LARGE -> framework(new MaxUploadSizeExceededException(20L << 20));
            // a PNG header claiming 100000x100000, scorecam.limits.max-pixels=40000000
            case IMAGE_TOO_LARGE -> Problems.of(new ImageTooLargeException(100_000, 100_000, 40_000_000));
            // a PDF
            case UNSUPPORTED_IMAGE -> Problems.of(new UnsupportedImageException());
            // Content-Type: application/json
            case UNSUPPORTED_MEDIA_TYPE -> framework(new HttpMediaTypeNotSupportedException(
                    MediaType.APPLICATION_JSON, List.of(MediaType.MULTIPART_FORM_DATA), HttpMethod.POST));
            // the 61st request in a minute, scorecam.security.limits.requests=60
            case RATE_LIMITED -> Problems.of(RateLimitedException.requests(60, Duration.ofMinutes(1), Duration.ofSeconds(21)));
            // the engine threw while computing job 5f0c...
            case INFERENCE_FAILED -> Problems.of(JobError.inferenceFailed(UUID.fromString(JOB)));
            case INTERNAL_ERROR -> ProblemAdvice.internalError();
            // scorecam.queue.backend=redis: three workers in turn stopped while computing job 5f0c...
            case JOB_ABANDONED -> Problems.of(JobError.abandoned(3));
            // scorecam.queue.backend=redis: a worker of an older version took job 5f0c..., queued in a newer format
            case JOB_UNREADABLE -> Problems.of(JobError.unreadable("the job's payload is of version 5; the worker "
                    + "that took it reads versions 4, 3 and 2 (the workers must run the version of the API instances or "
                    + "a newer one)"));
            // 64 jobs already waiting for fashion-cnn
            case QUEUE_FULL -> Problems.of(new QueueFullException("fashion-cnn", 64, Duration.ofSeconds(3)));
            case SHUTTING_DOWN -> Problems.of(new ShuttingDownException());
            // scorecam.queue.backend=redis and Redis cannot be reached
            case BACKEND_UNAVAILABLE -> Problems.of(new BackendUnavailableException(null));
            // scorecam.queue.backend=redis: an API instance upgraded before the only worker
            case NO_COMPATIBLE_WORKER -> Problems.of(new NoCompatibleWorkerException("fashion-cnn", 4,
                    List.of("versions 3, 2 (app 1.3.0)")));
            // scorecam.request-timeout=60s
            case TIMEOUT -> Problems.of(JobError.timedOut(Duration.ofSeconds(60)));
        };
    }

    private static ProblemDetail framework(ErrorResponse error) {
        return ProblemAdvice.typed(error.getBody());
    }
}
