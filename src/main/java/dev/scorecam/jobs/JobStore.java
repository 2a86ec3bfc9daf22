package dev.scorecam.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The in-memory system's jobs that clients look up by id: every unfinished one, and finished ones
 * for {@code ttl} after they end, at most {@code maxFinished} of them and at most
 * {@code maxFinishedBytes} of results (the oldest go first when full).
 */
public final class JobStore<R> {

    private final Map<UUID, Job<R>> unfinished = new ConcurrentHashMap<>();
    private final Cache<UUID, Job<R>> finished;

    /** Bounded by count only. */
    public JobStore(Duration ttl, long maxFinished, Ticker ticker) {
        this(ttl, maxFinished, Long.MAX_VALUE, result -> 0, ticker);
    }

    /**
     * @param size what a result holds in memory, in bytes (estimated)
     */
    public JobStore(Duration ttl, long maxFinished, long maxFinishedBytes, ToLongFunction<R> size, Ticker ticker) {
        // The budget is maxFinished slots of maxFinishedBytes / maxFinished bytes each; a job takes
        // as many slots as its result needs, at least one. So both bounds hold with one weight.
        long slotBytes = Math.max(1, maxFinishedBytes / maxFinished);
        this.finished = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumWeight(maxFinished)
                .<UUID, Job<R>>weigher((id, job) -> {
                    long bytes = job.result().map(size::applyAsLong).orElse(0L);
                    return (int) Math.min(maxFinished, Math.max(1, (bytes + slotBytes - 1) / slotBytes));
                })
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    void add(Job<R> job) {
        unfinished.put(job.id(), job);
        job.completion().thenRun(() -> finished(job));
    }

    private void finished(Job<R> job) {
        finished.put(job.id(), job);
        unfinished.remove(job.id());
    }

    Optional<Job<R>> find(UUID id) {
        Job<R> job = unfinished.get(id);
        return job != null ? Optional.of(job) : Optional.ofNullable(finished.getIfPresent(id));
    }

    /** Finished jobs still kept (approximate until the cache's next maintenance). */
    long finishedCount() {
        finished.cleanUp();
        return finished.estimatedSize();
    }
}
