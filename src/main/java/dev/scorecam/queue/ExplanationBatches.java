package dev.scorecam.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.scorecam.config.BatchProperties;
import dev.scorecam.explain.Explanation;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobSubscription;

/**
 * Many images as one batch: one ordinary job per image ({@link ExplanationJobs#submit}), so that
 * queue capacity, the client's concurrent jobs, the backend and the workers treat each as any
 * other job; the batch is only the list of them.
 */
@Component
public class ExplanationBatches {

    private final ExplanationJobs jobs;
    private final BatchStore store;
    private final int maxImages;

    public ExplanationBatches(ExplanationJobs jobs, BatchStore store, BatchProperties properties) {
        this.jobs = jobs;
        this.store = store;
        this.maxImages = properties.maxImages();
    }

    /** Images one batch may hold ({@code scorecam.batches.max-images}). */
    public int maxImages() {
        return maxImages;
    }

    /**
     * Queues every image's job, in order. When one cannot be queued (the queue is full, the
     * client has as many jobs as it may, the backend is down) the ones queued before it are
     * cancelled, so that no part of a refused batch runs, and that refusal is thrown.
     *
     * @param requests the images' requests, each checked already
     * @param filenames the images' original names, aligned with {@code requests}
     */
    public Batch submit(String model, List<PreparedRequest> requests, List<String> filenames, String client) {
        if (requests.size() != filenames.size()) {
            throw new IllegalArgumentException(requests.size() + " requests but " + filenames.size() + " names");
        }
        List<Batch.Item> items = new ArrayList<>();
        try {
            for (int i = 0; i < requests.size(); i++) {
                JobSnapshot<Explanation> job = jobs.submit(requests.get(i), client);
                items.add(new Batch.Item(job.id(), filenames.get(i)));
            }
            Batch batch = new Batch(UUID.randomUUID(), client, model, Instant.now(), items);
            store.save(batch);
            return batch;
        } catch (RuntimeException e) {
            for (Batch.Item item : items) {
                try {
                    jobs.cancel(item.job());
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed); // e.g. Redis down: those jobs run, unseen by any batch
                }
            }
            throw e;
        }
    }

    /** The batch of that id if {@code client} submitted it; another client's batch is unknown to it. */
    public Optional<Batch> find(UUID id, String client) {
        return store.find(id).filter(batch -> batch.owner().equals(client));
    }

    /** Follows one of a batch's jobs, as {@link ExplanationJobs#subscribe}. */
    public Optional<JobSubscription> subscribe(UUID job, JobEvents<Explanation> events) {
        return jobs.subscribe(job, events);
    }

    /** Each image's job now, in order; empty where the job has expired. */
    public List<Optional<JobSnapshot<Explanation>>> jobs(Batch batch) {
        return batch.items().stream().map(item -> jobs.find(item.job())).toList();
    }
}
