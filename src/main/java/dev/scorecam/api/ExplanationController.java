package dev.scorecam.api;

import java.io.IOException;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.scorecam.cam.TargetMap;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationJobs;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.explain.PreparedExplanation;
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
            @RequestParam(name = "target", required = false) List<String> targets,
            @RequestParam(name = "top-k", required = false) Integer topK,
            @RequestParam(name = "method", required = false) String method,
            @RequestParam(name = "score", required = false) String score,
            @RequestParam(name = "batch-size", required = false) Integer batchSize,
            @RequestParam(name = "max-channels", required = false) Integer maxChannels,
            @RequestParam(name = "samples", required = false) Integer samples,
            @RequestParam(name = "noise", required = false) Double noise,
            @RequestParam(name = "steps", required = false) Integer steps,
            @RequestParam(name = "seed", required = false) Long seed,
            @RequestParam(name = "metrics", defaultValue = "false") boolean metrics,
            @RequestParam(name = "metrics-steps", defaultValue = "20") int metricsSteps,
            @RequestParam(name = "colormap", defaultValue = "jet") String colormap,
            @RequestParam(name = "overlay", defaultValue = "true") boolean overlay,
            @RequestParam(name = "alpha", defaultValue = "0.5") float alpha,
            @RequestParam(name = "heatmap", defaultValue = "false") boolean heatmap,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) throws IOException {
        HeatmapStyle style = HeatmapStyle.of(colormap, overlay, alpha);
        // A PNG has nowhere to show the metrics: not measured for one (a job's format is chosen later).
        boolean measured = metrics && ResponseFormat.negotiate(accept) != ResponseFormat.PNG;
        PreparedExplanation prepared = explainer.prepare(
                new ExplanationRequest(model, image.getBytes(), targets, topK, method, score, batchSize,
                        MethodParameters.of(maxChannels, samples, noise, steps, seed), measured, metricsSteps));
        return respond(jobs.explain(prepared, Clients.current()), style, heatmap, accept);
    }

    /** The explanation as PNG or .npy (the first target's map) or JSON, as the client's Accept prefers. */
    static ResponseEntity<?> respond(Explanation explanation, HeatmapStyle style, boolean heatmap, String accept) {
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
                .body(ExplanationResponse.of(explanation, e -> heatmap ? style.render(explanation, e) : null));
    }
}
