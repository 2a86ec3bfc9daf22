package dev.scorecam.queue;

import java.util.Optional;
import java.util.UUID;

/**
 * Where batches are kept: in this process, or in Redis beside the jobs when those are there. A
 * batch stays as long as a finished job does ({@code scorecam.jobs.ttl}), counted from when it
 * was submitted or last read, so that a batch followed while its jobs wait is not lost.
 */
public interface BatchStore {

    void save(Batch batch);

    /** The batch, its time to live starting again; empty when unknown or expired. */
    Optional<Batch> find(UUID id);
}
