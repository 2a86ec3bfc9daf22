package dev.scorecam.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.scorecam.cache.Answer;
import dev.scorecam.cache.AnswerCache;
import dev.scorecam.cam.TargetMap;
import dev.scorecam.explain.Explanation;

/**
 * An explanation as the bytes sent (PNG, {@code .npy} or JSON, as the client's Accept prefers),
 * and the conditional answer around them: with a key (the hash of the request's canonical form),
 * the response carries it as a strong ETag, a client that already holds it (If-None-Match) gets
 * 304 with nothing computed, and an identical request may be answered from the cache.
 */
class Answers {

    private final AnswerCache cache;
    private final JsonMapper json;

    Answers(AnswerCache cache, JsonMapper json) {
        this.cache = cache;
        this.json = json;
    }

    AnswerCache cache() {
        return cache;
    }

    /**
     * @param key the request's key; empty (cache off) answers {@code make} as it is, without ETag
     * @param kept whether to look for the answer in the cache and keep it there; otherwise (a job's
     *     result, kept by the job) only the ETag and 304
     */
    ResponseEntity<?> answer(Optional<String> key, String ifNoneMatch, boolean kept, Supplier<Answer> make) {
        if (key.isEmpty()) {
            return response(make.get(), null);
        }
        String etag = "\"" + key.get() + "\"";
        if (matches(ifNoneMatch, etag)) {
            if (kept) {
                cache.notModified();
            }
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).varyBy(HttpHeaders.ACCEPT)
                    .cacheControl(CacheControl.noCache().cachePrivate()).build();
        }
        Optional<Answer> found = kept ? cache.find(key.get()) : Optional.empty();
        Answer answer = found.orElseGet(make);
        if (kept && found.isEmpty()) {
            cache.keep(key.get(), answer);
        }
        return response(answer, etag);
    }

    /** The explanation's answer: the first target's map as PNG or {@code .npy}, or everything as JSON. */
    Answer of(Explanation explanation, Rendering rendering, ResponseFormat format) {
        HeatmapStyle style = rendering.style();
        TargetMap first = explanation.result().maps().get(0);
        String target = Integer.toString(first.target().classIndex());
        return switch (format) {
            case PNG -> new Answer(MediaType.IMAGE_PNG_VALUE, target, style.render(explanation, first));
            case NPY -> new Answer(NpyFormat.MEDIA_TYPE_VALUE, target, NpyFormat.encode(first.saliency()));
            case JSON -> new Answer(MediaType.APPLICATION_JSON_VALUE, null, json.writeValueAsBytes(
                    ExplanationResponse.of(explanation, e -> rendering.heatmap() ? style.render(explanation, e) : null)));
        };
    }

    /** If-None-Match holds the ETag (weak comparison, as RFC 9110 says for it); {@code *} is not taken as a match. */
    static boolean matches(String ifNoneMatch, String etag) {
        return ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(etag::equals);
    }

    /** @param etag null: none (the cache is off) */
    private static ResponseEntity<byte[]> response(Answer answer, String etag) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.ok().contentType(MediaType.parseMediaType(answer.contentType()));
        if (answer.target() != null) {
            builder.header(ExplanationController.TARGET_HEADER, answer.target());
        }
        if (etag != null) {
            builder.eTag(etag).varyBy(HttpHeaders.ACCEPT).cacheControl(CacheControl.noCache().cachePrivate());
        }
        return builder.body(answer.body());
    }
}
