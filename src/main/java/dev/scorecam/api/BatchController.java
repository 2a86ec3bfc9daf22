package dev.scorecam.api;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Parameter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.explain.Rejection;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.problem.ProblemException;
import dev.scorecam.queue.Batch;
import dev.scorecam.queue.ExplanationBatches;
import dev.scorecam.security.Clients;

/**
 * Many images explained as one batch: one ordinary job per image, followed and fetched together.
 * See docs/api.md, "Batches".
 */
@RestController
class BatchController {

    static final String ZIP = "application/zip";
    /** A per-image entry of {@code targets} that asks for the best classes instead of a named one. */
    private static final String TOP_K_ENTRY = "top-k=";

    private final Explainer explainer;
    private final ExplanationBatches batches;

    BatchController(Explainer explainer, ExplanationBatches batches) {
        this.explainer = explainer;
        this.batches = batches;
    }

    /**
     * Checks every image as a single request would be checked (client errors answer at once, the
     * detail naming the image), then queues one job per image.
     *
     * @param targets one entry per image, in the images' order: a class index or label, or
     *     {@code top-k=N}; an empty entry takes the shared {@code target}/{@code top-k}
     */
    @PostMapping(path = "/v1/models/{model}/batches", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchView> submit(
            @PathVariable String model,
            @RequestPart("image") List<MultipartFile> images,
            @RequestParam(name = "targets", required = false) List<String> targets,
            @Parameter(hidden = true) ExplanationForm form) throws IOException {
        if (images.size() > batches.maxImages()) {
            throw Rejection.INVALID_PARAMETER.because(images.size() + " images in one batch; at most " + batches.maxImages()
                    + " (scorecam.batches.max-images)");
        }
        if (targets != null && !targets.isEmpty() && targets.size() != images.size()) {
            throw Rejection.INVALID_PARAMETER.because("'targets' has " + targets.size() + " entries for "
                    + images.size() + " images: give one per image, in order (an empty one takes the shared target)");
        }
        List<PreparedRequest> requests = new ArrayList<>();
        List<String> filenames = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            MultipartFile image = images.get(i);
            String filename = image.getOriginalFilename() == null ? "" : image.getOriginalFilename();
            String entry = targets == null || targets.isEmpty() ? "" : targets.get(i).strip();
            try {
                requests.add(explainer.prepare(forImage(form, entry)
                        .request(model, image.getBytes(), form.metrics(), false)));
            } catch (ProblemException e) {
                throw new ImageInBatchException(i, filename, e);
            }
            filenames.add(filename);
        }
        Batch batch = batches.submit(model, requests, filenames, Clients.current());
        BatchView view = BatchView.of(batch, batches.jobs(batch));
        return ResponseEntity.accepted().location(URI.create(view.links().self())).body(view);
    }

    /** The shared form with one image's own target, if it has one. */
    private static ExplanationForm forImage(ExplanationForm shared, String entry) {
        if (entry.isEmpty()) {
            return shared;
        }
        List<String> targets = List.of();
        Integer topK = null;
        if (entry.startsWith(TOP_K_ENTRY)) {
            try {
                topK = Integer.valueOf(entry.substring(TOP_K_ENTRY.length()).strip());
            } catch (NumberFormatException e) {
                throw Rejection.INVALID_PARAMETER.because("'targets' entry '" + entry + "' is not top-k=N");
            }
        } else {
            targets = List.of(entry);
        }
        return new ExplanationForm(targets, topK, shared.box(), shared.detection(), shared.boxRule(), shared.method(),
                shared.score(), shared.batchSize(), shared.parameters(), shared.metrics(), shared.metricsSteps());
    }

    @GetMapping(path = "/v1/batches/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    BatchView get(@PathVariable String id) {
        Batch batch = find(id);
        return BatchView.of(batch, batches.jobs(batch));
    }

    /**
     * Every image's result in order: a JSON array (each element the job's JSON result, or its
     * problem when it failed), or with {@code Accept: application/zip} (or {@code format=zip}) a
     * zip of one PNG or .npy ({@code item}) per map and a manifest.json.
     */
    @GetMapping(path = "/v1/batches/{id}/result", produces = {MediaType.APPLICATION_JSON_VALUE, ZIP})
    ResponseEntity<?> result(
            @PathVariable String id,
            @RequestParam(name = "format", required = false) String format,
            @RequestParam(name = "item", defaultValue = "png") String item,
            @Parameter(hidden = true) Rendering rendering,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        boolean zip = zip(format, accept);
        BatchArchive.Item itemFormat = BatchArchive.Item.of(item);
        Batch batch = find(id);
        List<Optional<JobSnapshot<Explanation>>> jobs = batches.jobs(batch);
        BatchView view = BatchView.of(batch, jobs);
        if (!view.status().isFinal()) {
            throw new BatchNotFinishedException(id, view.status(), view.counts().queued() + view.counts().running());
        }
        if (zip) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(ZIP))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"batch-" + batch.id() + ".zip\"")
                    .body(BatchArchive.zip(batch, jobs, view, itemFormat, rendering.style()));
        }
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Optional<JobSnapshot<Explanation>> job = jobs.get(i);
            if (job.isPresent() && job.get().status() == JobStatus.SUCCEEDED) {
                Explanation explanation = job.get().result().orElseThrow();
                results.add(ExplanationResponse.of(explanation,
                        e -> rendering.heatmap() ? rendering.style().render(explanation, e) : null));
            } else {
                results.add(view.items().get(i).error());
            }
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(results);
    }

    /** {@code format} (json or zip) wins over Accept, for links that cannot set a header. */
    private static boolean zip(String format, String accept) {
        if (format != null && !format.isBlank()) {
            return switch (format.strip()) {
                case "zip" -> true;
                case "json" -> false;
                default -> throw Rejection.INVALID_PARAMETER.because("'format' must be json or zip, not '" + format + "'");
            };
        }
        if (accept == null || accept.isBlank()) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream()
                    .sorted((a, b) -> Double.compare(b.getQualityValue(), a.getQualityValue()))
                    .filter(type -> !type.isWildcardType())
                    .findFirst()
                    .map(type -> type.isCompatibleWith(MediaType.parseMediaType(ZIP)))
                    .orElse(false);
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }

    /**
     * {@code status} events with the batch (first as it is now, last once every job has ended),
     * and {@code progress} events with the counts and the fraction done between them.
     */
    @GetMapping(path = "/v1/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id) {
        Batch batch = find(id);
        return new BatchEvents(batch, batches).start();
    }

    /** Another client's batch is unknown to this one: 404, as if it did not exist. */
    private Batch find(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new UnknownBatchException(id);
        }
        return batches.find(uuid, Clients.current()).orElseThrow(() -> new UnknownBatchException(id));
    }
}
