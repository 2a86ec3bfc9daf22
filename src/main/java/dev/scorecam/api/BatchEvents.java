package dev.scorecam.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobSubscription;
import dev.scorecam.queue.Batch;
import dev.scorecam.queue.ExplanationBatches;

/**
 * One client's event stream of a batch: it follows every job of the batch and tallies their
 * events ({@link BatchProgress}), so that a progress event costs no lookup. The jobs' events come
 * on their own threads; all of them pass through this object's lock.
 */
final class BatchEvents {

    private final Batch batch;
    private final ExplanationBatches batches;
    private final SseEmitter emitter = new SseEmitter(0L); // no timeout: every job ends, and the stream with it
    private final List<JobSubscription> subscriptions = new ArrayList<>();
    private BatchProgress tally;
    /** Each job as its end event (or the first look) showed it once it had ended, for the final view. */
    private JobSnapshot<Explanation>[] ends;
    private BatchView.Summary last;
    private boolean closed;

    BatchEvents(Batch batch, ExplanationBatches batches) {
        this.batch = batch;
        this.batches = batches;
    }

    SseEmitter start() {
        List<Optional<JobSnapshot<Explanation>>> now = batches.jobs(batch);
        BatchView view = BatchView.of(batch, now);
        synchronized (this) {
            if (!send("status", view)) {
                return emitter;
            }
            if (view.status().isFinal()) {
                close(true);
                return emitter;
            }
            tally = new BatchProgress(now.size());
            ends = newEnds(now.size());
            for (int i = 0; i < now.size(); i++) {
                int image = i;
                now.get(i).ifPresentOrElse(job -> {
                    tally.now(image, job);
                    if (job.status().isFinal()) {
                        ends[image] = job;
                    }
                }, () -> tally.expired(image));
            }
            last = tally.summary();
        }
        emitter.onCompletion(this::unsubscribe);
        emitter.onError(e -> unsubscribe());
        for (int i = 0; i < batch.items().size(); i++) {
            int image = i;
            UUID job = batch.items().get(i).job();
            Optional<JobSubscription> subscription = batches.subscribe(job, new JobEvents<>() {
                @Override
                public void progress(UUID id, JobProgress progress) {
                    synchronized (BatchEvents.this) {
                        if (!closed) {
                            tally.progress(image, progress);
                            changed();
                        }
                    }
                }

                @Override
                public void ended(JobSnapshot<Explanation> end) {
                    synchronized (BatchEvents.this) {
                        if (!closed) {
                            tally.ended(image, end.status());
                            ends[image] = end;
                            changed();
                        }
                    }
                }
            });
            synchronized (this) {
                if (subscription.isEmpty()) { // ended and expired meanwhile
                    if (!closed) {
                        tally.expired(image);
                        changed();
                    }
                } else if (closed) {
                    subscription.get().close();
                } else {
                    subscriptions.add(subscription.get());
                }
            }
        }
        return emitter;
    }

    /** A progress event when the tally moved; once every job has ended, the final status and the end. */
    private void changed() {
        if (tally.finished()) {
            // the final view from the jobs themselves: each item with its outcome and problem
            List<Optional<JobSnapshot<Explanation>>> jobs = new ArrayList<>();
            for (JobSnapshot<Explanation> end : ends) {
                jobs.add(Optional.ofNullable(end)); // empty: expired
            }
            if (send("status", BatchView.of(batch, jobs))) {
                close(true);
            }
            return;
        }
        BatchView.Summary summary = tally.summary();
        if (!summary.equals(last)) {
            last = summary;
            if (!send("progress", summary)) {
                close(false);
            }
        }
    }

    private void close(boolean complete) {
        closed = true;
        if (complete) {
            emitter.complete();
        }
    }

    private void unsubscribe() {
        List<JobSubscription> held;
        synchronized (this) {
            closed = true;
            held = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        held.forEach(JobSubscription::close);
    }

    @SuppressWarnings("unchecked")
    private static JobSnapshot<Explanation>[] newEnds(int images) {
        return (JobSnapshot<Explanation>[]) new JobSnapshot<?>[images];
    }

    /** False when the client has gone; the jobs carry on. */
    private boolean send(String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException e) {
            closed = true;
            emitter.completeWithError(e);
            return false;
        }
    }
}
