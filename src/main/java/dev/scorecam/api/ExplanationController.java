package dev.scorecam.api;

import java.io.IOException;
import io.swagger.v3.oas.annotations.Parameter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.security.Clients;

@RestController
class ExplanationController {

    /** The class a PNG response shows, for clients that asked for one image. */
    static final String TARGET_HEADER = "Scorecam-Target";

    private final Explainer explainer;
    private final ExplanationJobs jobs;

    ExplanationController(Explainer explainer, ExplanationJobs jobs) {
        this.explainer = explainer;
        this.jobs = jobs;
    }

    /**
     * Checks and prepares on this thread (client errors answer at once), then queues the device
     * work and waits for it: 503 when the queue is full, 504 after the request timeout.
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
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) throws IOException {
        // A PNG has nowhere to show the metrics: not measured for one (a job's format is chosen later).
        boolean measured = form.metrics() && ResponseFormat.negotiate(accept) != ResponseFormat.PNG;
        PreparedRequest prepared = explainer.prepare(form.request(model, image.getBytes(), measured, false));
        return respond(jobs.explain(prepared, Clients.current()), rendering, accept);
    }

    /** The explanation as PNG or .npy (the first target's map) or JSON, as the client's Accept prefers. */
    static ResponseEntity<?> respond(Explanation explanation, Rendering rendering, String accept) {
        HeatmapStyle style = rendering.style();
        ResponseFormat format = ResponseFormat.negotiate(accept);
        TargetMap first = explanation.result().maps().get(0);
        if (format == ResponseFormat.PNG) {
            return ResponseEntity.ok()
                    .contentType(MediaType.IMAGE_PNG)
                    .header(TARGET_HEADER, Integer.toString(first.target().classIndex()))
                    .body(style.render(explanation, first));
        }
        if (format == ResponseFormat.NPY) {
            return ResponseEntity.ok()
                    .contentType(NpyFormat.MEDIA_TYPE)
                    .header(TARGET_HEADER, Integer.toString(first.target().classIndex()))
                    .body(NpyFormat.encode(first.saliency()));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(ExplanationResponse.of(explanation, e -> rendering.heatmap() ? style.render(explanation, e) : null));
    }
}
