package dev.scorecam.queue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Many images explained as one: each image is an ordinary job, the batch only remembers which,
 * in the order the images came.
 *
 * @param owner the client that submitted it; only that client sees it, as with jobs
 * @param items one per image, in order
 */
public record Batch(UUID id, String owner, String model, Instant submittedAt, List<Item> items) {

    public Batch {
        items = List.copyOf(items);
    }

    /** @param filename the image's original file name as the client sent it (may be empty) */
    public record Item(UUID job, String filename) {}
}
