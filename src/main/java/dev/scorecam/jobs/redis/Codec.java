package dev.scorecam.jobs.redis;

/**
 * How a job's work and result travel through Redis: to bytes on one node, back on another. A
 * decoded value must do what the original did (a worker computes on the decoded work).
 */
public interface Codec<T> {

    byte[] encode(T value);

    T decode(byte[] bytes);
}
