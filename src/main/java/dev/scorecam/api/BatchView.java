package dev.scorecam.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.ProblemDetail;

import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.queue.Batch;

/**
 * A batch as a client sees it: where its images' jobs are, together and one by one.
 *
 * @param status QUEUED while every job waits, RUNNING until every job has ended; then SUCCEEDED when
 *     all succeeded, CANCELLED when all were cancelled, else FAILED (the counts and items say which)
 * @param progress 0 to 1: the jobs' progress summed (an ended job counts 1) over the number of images
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchView(
        String id,
        String model,
        JobStatus status,
        Counts counts,
        double progress,
        Instant submittedAt,
        List<Item> items,
        Links links) {

    /** How many of the batch's jobs are in each state; they add up to the number of images. */
    @Schema(name = "BatchCounts")
    record Counts(int queued, int running, int succeeded, int failed, int cancelled) {}

    /**
     * One image's job.
     *
     * @param index the image's place in the request, from 0
     * @param progress as the job's own, while RUNNING
     * @param error why it ended without a result; a job that has expired shows as FAILED with /problems/unknown-job
     */
    @Schema(name = "BatchItem")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(int index, String filename, String job, JobStatus status, JobView.Progress progress,
            ProblemDetail error) {}

    /** What the events stream sends between its first and its last {@code status}. */
    record Summary(JobStatus status, Counts counts, double progress) {}

    @Schema(name = "BatchLinks")
    record Links(String self, String result, String events) {

        static Links of(UUID id) {
            String self = "/v1/batches/" + id;
            return new Links(self, self + "/result", self + "/events");
        }
    }

    static BatchView of(Batch batch, List<Optional<JobSnapshot<Explanation>>> jobs) {
        BatchProgress tally = new BatchProgress(jobs.size());
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Batch.Item item = batch.items().get(i);
            Optional<JobSnapshot<Explanation>> job = jobs.get(i);
            if (job.isEmpty()) {
                tally.expired(i);
                items.add(new Item(i, item.filename(), item.job().toString(), JobStatus.FAILED, null,
                        Problems.of(new UnknownJobException(item.job().toString()))));
                continue;
            }
            JobSnapshot<Explanation> snapshot = job.get();
            tally.now(i, snapshot);
            items.add(new Item(i, item.filename(), item.job().toString(), snapshot.status(),
                    snapshot.status() == JobStatus.RUNNING
                            ? snapshot.progress().map(p -> new JobView.Progress(p.done(), p.total())).orElse(null) : null,
                    snapshot.error().map(Problems::of).orElse(null)));
        }
        return new BatchView(batch.id().toString(), batch.model(), tally.status(), tally.counts(), tally.fraction(),
                batch.submittedAt(), items, Links.of(batch.id()));
    }
}
