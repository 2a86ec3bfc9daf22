package dev.scorecam.api;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Parameter;
import tools.jackson.databind.json.JsonMapper;

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

import dev.scorecam.cache.AnswerCache;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobSubscription;
import dev.scorecam.security.Clients;

/**
 * Asynchronous explanations: submit, poll, follow as Server-Sent Events, fetch the result, cancel.
 * See docs/jobs.md.
 */
@RestController
@RequestMapping("/v1/jobs")
class JobController {

    private final Explainer explainer;
    private final ExplanationJobs jobs;
    private final Answers answers;

    JobController(Explainer explainer, ExplanationJobs jobs, AnswerCache cache, JsonMapper json) {
        this.explainer = explainer;
        this.jobs = jobs;
        this.answers = new Answers(cache, json);
    }

    /** The same fields as the synchronous endpoint, plus {@code model}; rendering is chosen on the result. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(
            @RequestParam("model") String model,
            @RequestPart("image") MultipartFile image,
            @Parameter(hidden = true) ExplanationForm form,
            @RequestParam(name = "progressive", defaultValue = "false") boolean progressive) throws IOException {
        JobView view = JobView.of(jobs.submit(
                explainer.prepare(form.request(model, image.getBytes(), form.metrics(), progressive)),
                Clients.current()));
        return ResponseEntity.accepted().location(URI.create(view.links().self())).body(view);
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView get(@PathVariable String id) {
        return JobView.of(find(id));
    }

    /** Cancels: a queued job ends at once, a running one at its next batch (202 until then). */
    @DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> cancel(@PathVariable String id) {
        JobView view = JobView.of(jobs.cancel(find(id).id()).orElseThrow(() -> new UnknownJobException(id)));
        return ResponseEntity.status(view.status().isFinal() ? 200 : 202).body(view);
    }

    /**
     * The same PNG/JSON negotiation and rendering parameters as the synchronous endpoint, with a
     * strong ETag (If-None-Match: 304) unless the cache is off.
     */
    @GetMapping(path = "/{id}/result",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE, NpyFormat.MEDIA_TYPE_VALUE})
    ResponseEntity<?> result(
            @PathVariable String id,
            @Parameter(hidden = true) Rendering rendering,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            // documented with the 304 (ApiDocumentation), not as a parameter: generated clients keep their signatures
            @Parameter(hidden = true) @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false)
            String ifNoneMatch) {
        JobSnapshot<Explanation> job = find(id);
        JobStatus status = job.status();
        if (!status.isFinal()) {
            throw new JobNotFinishedException(id, status);
        }
        if (status != JobStatus.SUCCEEDED) {
            throw new JobFailedException(job.error().orElseThrow());
        }
        ResponseFormat format = ResponseFormat.negotiate(accept);
        // A job's result never changes: its id and the rendering asked for name the answer.
        Optional<String> key = answers.cache().keyFor("job-result")
                .map(k -> rendering.describe(k.add("job", job.id())).add("format", format).key());
        return answers.answer(key, ifNoneMatch, false, () -> answers.of(job.result().orElseThrow(), rendering, format));
    }

    /**
     * {@code status} events with the job (first its state now, last its final state; just one for
     * a job that has ended), {@code progress} events with done/total between batches and, for a
     * progressive job, {@code partial} events with each target's map so far; the stream ends with
     * the job.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id) {
        JobSnapshot<Explanation> now = find(id);
        SseEmitter emitter = new SseEmitter(0L); // no timeout: every job ends, and the stream with it
        if (!send(emitter, "status", JobView.of(now))) {
            return emitter;
        }
        if (now.status().isFinal()) {
            emitter.complete();
            return emitter;
        }
        // The final status comes from the subscription only, at once if the job ended meanwhile.
        Optional<JobSubscription> subscription = jobs.subscribe(now.id(), new JobEvents<>() {
            @Override
            public void progress(UUID job, JobProgress progress) {
                if (!send(emitter, "progress", new JobView.Progress(progress.done(), progress.total()))) {
                    throw new IllegalStateException("event stream closed"); // drops this subscriber
                }
            }

            @Override
            public void partial(UUID job, Explanation soFar, JobProgress progress) {
                for (PartialMap map : PartialMap.of(soFar, progress)) {
                    if (!send(emitter, "partial", map)) {
                        throw new IllegalStateException("event stream closed");
                    }
                }
            }

            @Override
            public void ended(JobSnapshot<Explanation> job) {
                if (send(emitter, "status", JobView.of(job))) {
                    emitter.complete();
                }
            }
        });
        subscription.ifPresentOrElse(held -> {
            emitter.onCompletion(held::close);
            emitter.onError(e -> held.close());
        }, emitter::complete); // it ended and expired between the two calls: nothing more to say
        return emitter;
    }

    /** False when the client has gone; the job carries on. */
    private static boolean send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
            return false;
        }
    }

    /** Another client's job is unknown to this one: 404, as if it did not exist. */
    private JobSnapshot<Explanation> find(String id) {
        String client = Clients.current();
        return uuid(id).flatMap(jobs::find)
                .filter(job -> job.owner().equals(client))
                .orElseThrow(() -> new UnknownJobException(id));
    }

    /** A malformed id names no job: 404 like any unknown one. */
    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

}
