package dev.scorecam.api;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.ExplanationRequest;
import dev.scorecam.jobs.ExplanationJobs;
import dev.scorecam.jobs.Job;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobStatus;

/**
 * Asynchronous explanations: submit, poll, follow as Server-Sent Events, fetch the result, cancel.
 * See docs/jobs.md.
 */
@RestController
@RequestMapping("/v1/jobs")
class JobController {

    private final Explainer explainer;
    private final ExplanationJobs jobs;

    JobController(Explainer explainer, ExplanationJobs jobs) {
        this.explainer = explainer;
        this.jobs = jobs;
    }

    /** The same fields as the synchronous endpoint, plus {@code model}; rendering is chosen on the result. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(
            @RequestParam("model") String model,
            @RequestPart("image") MultipartFile image,
            @RequestParam(name = "target", required = false) List<String> targets,
            @RequestParam(name = "top-k", required = false) Integer topK,
            @RequestParam(name = "method", required = false) String method,
            @RequestParam(name = "score", required = false) String score,
            @RequestParam(name = "batch-size", required = false) Integer batchSize) throws IOException {
        Job<Explanation> job = jobs.submit(explainer.prepare(
                new ExplanationRequest(model, image.getBytes(), targets, topK, method, score, batchSize)));
        JobView view = view(job);
        return ResponseEntity.accepted().location(URI.create(view.links().self())).body(view);
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView get(@PathVariable String id) {
        return view(find(id));
    }

    /** Cancels: a queued job ends at once, a running one at its next batch (202 until then). */
    @DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> cancel(@PathVariable String id) {
        Job<Explanation> job = find(id);
        jobs.cancel(job);
        JobView view = view(job);
        return ResponseEntity.status(view.status().isFinal() ? 200 : 202).body(view);
    }

    /** The same PNG/JSON negotiation and rendering parameters as the synchronous endpoint. */
    @GetMapping(path = "/{id}/result", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE})
    ResponseEntity<?> result(
            @PathVariable String id,
            @RequestParam(name = "colormap", defaultValue = "jet") String colormap,
            @RequestParam(name = "overlay", defaultValue = "true") boolean overlay,
            @RequestParam(name = "alpha", defaultValue = "0.5") float alpha,
            @RequestParam(name = "heatmap", defaultValue = "false") boolean heatmap,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        HeatmapStyle style = HeatmapStyle.of(colormap, overlay, alpha);
        Job<Explanation> job = find(id);
        JobStatus status = job.status();
        if (!status.isFinal()) {
            throw new JobNotFinishedException(id, status);
        }
        if (status != JobStatus.SUCCEEDED) {
            throw new JobFailedException(job.error().orElseThrow());
        }
        return ExplanationController.respond(job.result().orElseThrow(), style, heatmap, accept);
    }

    /**
     * {@code status} events with the job (first its state now, last its final state) and
     * {@code progress} events with done/total between batches; the stream ends with the job.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id) {
        Job<Explanation> job = find(id);
        SseEmitter emitter = new SseEmitter(0L); // no timeout: every job ends, and the stream with it
        Consumer<Job<Explanation>> watcher = watched -> {
            try {
                if (watched.status().isFinal()) {
                    emitter.send(SseEmitter.event().name("status").data(view(watched), MediaType.APPLICATION_JSON));
                    emitter.complete();
                } else {
                    emitter.send(SseEmitter.event().name("progress")
                            .data(new JobView.Progress(watched.done(), watched.total()), MediaType.APPLICATION_JSON));
                }
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e); // the client has gone; the job carries on
                throw new IllegalStateException("event stream closed", e);
            }
        };
        emitter.onCompletion(() -> job.unwatch(watcher));
        emitter.onError(e -> job.unwatch(watcher));
        try {
            emitter.send(SseEmitter.event().name("status").data(view(job), MediaType.APPLICATION_JSON));
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        job.watch(watcher);
        return emitter;
    }

    private Job<Explanation> find(String id) {
        Optional<Job<Explanation>> job;
        try {
            job = jobs.find(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            job = Optional.empty();
        }
        return job.orElseThrow(() -> new UnknownJobException(id));
    }

    private JobView view(Job<Explanation> job) {
        return JobView.of(job, jobs.position(job));
    }

}
