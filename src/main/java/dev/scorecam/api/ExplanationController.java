package dev.scorecam.api;

import java.io.IOException;
import java.util.Optional;

import io.swagger.v3.oas.annotations.Parameter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.scorecam.cache.AnswerCache;
import dev.scorecam.explain.Explainer;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.security.Clients;

@RestController
class ExplanationController {

    /** The class a PNG response shows, for clients that asked for one image. */
    static final String TARGET_HEADER = "Scorecam-Target";

    private final Explainer explainer;
    private final ExplanationJobs jobs;
    private final Answers answers;

    ExplanationController(Explainer explainer, ExplanationJobs jobs, AnswerCache cache, JsonMapper json) {
        this.explainer = explainer;
        this.jobs = jobs;
        this.answers = new Answers(cache, json);
    }

    /**
     * Checks and prepares on this thread (client errors answer at once), then queues the device
     * work and waits for it: 503 when the queue is full, 504 after the request timeout. An
     * identical request is answered from the cache, and one whose ETag the client holds with 304.
     */
    @PostMapping(
            path = "/v1/models/{model}/explanations",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE, NpyFormat.MEDIA_TYPE_VALUE})
    ResponseEntity<?> explain(
            @PathVariable String model,
            @RequestPart("image") MultipartFile image,
            @Parameter(hidden = true) ExplanationForm form,
            @Parameter(hidden = true) Rendering rendering,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            // documented with the 304 (ApiDocumentation), not as a parameter: generated clients keep their signatures
            @Parameter(hidden = true) @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false)
            String ifNoneMatch) throws IOException {
        ResponseFormat format = ResponseFormat.negotiate(accept);
        // A PNG has nowhere to show the metrics: not measured for one (a job's format is chosen later).
        boolean measured = form.metrics() && format != ResponseFormat.PNG;
        byte[] bytes = image.getBytes();
        Optional<String> key = answers.cache().keyFor("explanation", explainer.model(model))
                .map(k -> rendering.describe(form.describe(k)).add("format", format).bytes("image", bytes).key());
        return answers.answer(key, ifNoneMatch, true, () -> {
            PreparedRequest prepared = explainer.prepare(form.request(model, bytes, measured, false));
            return answers.of(jobs.explain(prepared, Clients.current()), rendering, format);
        });
    }
}
