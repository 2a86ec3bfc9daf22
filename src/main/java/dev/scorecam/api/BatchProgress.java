package dev.scorecam.api;

import java.util.Arrays;

import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;

/**
 * The state of a batch's jobs, one slot per image, kept up to date from snapshots or from the
 * jobs' events, and summed: the counts per state and the progress fraction. Not thread-safe.
 */
final class BatchProgress {

    private final JobStatus[] status;
    /** Each job's part done, 0 to 1. */
    private final double[] done;

    BatchProgress(int images) {
        status = new JobStatus[images];
        done = new double[images];
        Arrays.fill(status, JobStatus.QUEUED);
    }

    void now(int image, JobSnapshot<Explanation> job) {
        if (job.status().isFinal()) {
            ended(image, job.status());
        } else {
            status[image] = job.status();
            job.progress().ifPresent(p -> progress(image, p));
        }
    }

    void progress(int image, JobProgress progress) {
        if (status[image].isFinal()) {
            return;
        }
        status[image] = JobStatus.RUNNING;
        done[image] = progress.total() > 0 ? Math.min(1, (double) progress.done() / progress.total()) : 0;
    }

    void ended(int image, JobStatus end) {
        status[image] = end;
        done[image] = 1;
    }

    /** A job gone from the store: it ended long enough ago that its outcome is lost. */
    void expired(int image) {
        ended(image, JobStatus.FAILED);
    }

    boolean finished() {
        return Arrays.stream(status).allMatch(JobStatus::isFinal);
    }

    BatchView.Counts counts() {
        int[] n = new int[JobStatus.values().length];
        for (JobStatus s : status) {
            n[s.ordinal()]++;
        }
        return new BatchView.Counts(n[JobStatus.QUEUED.ordinal()], n[JobStatus.RUNNING.ordinal()],
                n[JobStatus.SUCCEEDED.ordinal()], n[JobStatus.FAILED.ordinal()], n[JobStatus.CANCELLED.ordinal()]);
    }

    double fraction() {
        return status.length == 0 ? 1 : Arrays.stream(done).sum() / status.length;
    }

    JobStatus status() {
        if (Arrays.stream(status).allMatch(s -> s == JobStatus.QUEUED)) {
            return JobStatus.QUEUED;
        }
        if (!finished()) {
            return JobStatus.RUNNING;
        }
        if (Arrays.stream(status).allMatch(s -> s == JobStatus.SUCCEEDED)) {
            return JobStatus.SUCCEEDED;
        }
        return Arrays.stream(status).allMatch(s -> s == JobStatus.CANCELLED) ? JobStatus.CANCELLED : JobStatus.FAILED;
    }

    BatchView.Summary summary() {
        return new BatchView.Summary(status(), counts(), fraction());
    }
}
