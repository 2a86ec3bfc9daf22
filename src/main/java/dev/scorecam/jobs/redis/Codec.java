package dev.scorecam.jobs.redis;

import java.util.List;

/**
 * How a job's work and result travel through Redis: to bytes on one node, back on another. A
 * decoded value must do what the original did (a worker computes on the decoded work).
 *
 * <p>A versioned codec says which payload version it writes and which it reads: workers advertise
 * what they read, and a node refuses a job that no live worker could read
 * ({@link dev.scorecam.jobs.NoCompatibleWorkerException}). An unversioned one (the default) is
 * neither advertised nor checked.
 */
public interface Codec<T> {

    /** What {@link #version()} answers for payloads without a version. */
    int UNVERSIONED = 0;

    byte[] encode(T value);

    /** @throws UnreadablePayloadException when the bytes are of a version not read here, or corrupt */
    T decode(byte[] bytes);

    /** The payload version {@link #encode} writes, or {@link #UNVERSIONED}. */
    default int version() {
        return UNVERSIONED;
    }

    /** The payload versions {@link #decode} reads; empty when unversioned. */
    default List<Integer> reads() {
        return List.of();
    }
}
