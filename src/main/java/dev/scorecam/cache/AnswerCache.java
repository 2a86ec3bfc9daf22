package dev.scorecam.cache;

import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.scorecam.model.ServedModel;

/**
 * Answers of identical requests, kept bounded ({@link AnswerStore}), with hits and misses counted
 * as {@code scorecam.cache.requests{outcome=hit|miss}}. A request's key is the hash of its canonical
 * form ({@link AnswerKeys}), which the API writes; a disabled cache keys nothing.
 */
public final class AnswerCache {

    private final boolean enabled;
    private final AnswerStore store;
    private final ModelDigests models = new ModelDigests();
    private final Counter hits;
    private final Counter misses;

    AnswerCache(boolean enabled, AnswerStore store, MeterRegistry registry) {
        this.enabled = enabled;
        this.store = store;
        this.hits = requests(registry, "hit");
        this.misses = requests(registry, "miss");
    }

    private static Counter requests(MeterRegistry registry, String outcome) {
        return Counter.builder("scorecam.cache.requests")
                .description("Requests the answer cache was asked for: hit (answered from it, or 304) or miss (computed)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /**
     * A key to write a request's parts into, starting with the model's name and what its files
     * hold; empty when the cache is off.
     */
    public Optional<AnswerKeys> keyFor(String kind, ServedModel model) {
        if (!enabled) {
            return Optional.empty();
        }
        return Optional.of(new AnswerKeys(kind).add("model", model.name()).add("model-files", models.of(model)));
    }

    /** A key for what is not computed from a model (a job's result, known by its id); empty when off. */
    public Optional<AnswerKeys> keyFor(String kind) {
        return enabled ? Optional.of(new AnswerKeys(kind)) : Optional.empty();
    }

    /** The kept answer, counted as a hit or a miss. */
    public Optional<Answer> find(String key) {
        Optional<Answer> answer = store.get(key);
        (answer.isPresent() ? hits : misses).increment();
        return answer;
    }

    /** A client that already holds the answer (If-None-Match) was told so: a hit. */
    public void notModified() {
        hits.increment();
    }

    public void keep(String key, Answer answer) {
        store.put(key, answer);
    }
}
