package dev.scorecam.api;

import java.io.IOException;

import io.swagger.v3.oas.annotations.Parameter;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.scorecam.explain.Explainer;

@RestController
class DetectionController {

    private final Explainer explainer;

    DetectionController(Explainer explainer) {
        this.explainer = explainer;
    }

    /** One forward pass of a detector, on this thread (no queue: it costs what one masked input does). */
    @PostMapping(
            path = "/v1/models/{model}/detections",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    DetectionResponse detect(
            @PathVariable String model,
            @RequestPart("image") MultipartFile image,
            @Parameter(hidden = true) DetectionForm form) throws IOException {
        return DetectionResponse.of(explainer.detect(model, image.getBytes()), form.minScore());
    }
}
