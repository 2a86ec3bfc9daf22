package dev.scorecam.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** Batches in this process, as many as finished jobs are kept at most. */
final class InMemoryBatchStore implements BatchStore {

    private final Cache<UUID, Batch> batches;

    InMemoryBatchStore(Duration ttl, long maxStored) {
        this.batches = Caffeine.newBuilder().expireAfterAccess(ttl).maximumSize(maxStored).build();
    }

    @Override
    public void save(Batch batch) {
        batches.put(batch.id(), batch);
    }

    @Override
    public Optional<Batch> find(UUID id) {
        return Optional.ofNullable(batches.getIfPresent(id));
    }
}
