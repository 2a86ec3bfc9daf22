package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobStatus;

/** A batch's state summed from its jobs' events, and the names its zip gives their files. */
class BatchProgressTest {

    @Test
    void theFractionIsTheJobsProgressSummedOverTheImages() {
        BatchProgress tally = new BatchProgress(4);
        assertThat(tally.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(tally.fraction()).isZero();

        tally.progress(0, new JobProgress(30, 60));
        tally.ended(1, JobStatus.SUCCEEDED);

        assertThat(tally.fraction()).isEqualTo((0.5 + 1) / 4);
        assertThat(tally.counts()).isEqualTo(new BatchView.Counts(2, 1, 1, 0, 0));
        assertThat(tally.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(tally.finished()).isFalse();
    }

    @Test
    void aProgressReportAfterTheEndChangesNothing() {
        BatchProgress tally = new BatchProgress(1);
        tally.ended(0, JobStatus.CANCELLED);
        tally.progress(0, new JobProgress(1, 60));

        assertThat(tally.fraction()).isEqualTo(1.0);
        assertThat(tally.status()).isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void anEndedBatchSucceedsOnlyWhenEveryJobDid() {
        BatchProgress tally = new BatchProgress(3);
        tally.ended(0, JobStatus.SUCCEEDED);
        tally.ended(1, JobStatus.SUCCEEDED);
        tally.expired(2);

        assertThat(tally.finished()).isTrue();
        assertThat(tally.status()).isEqualTo(JobStatus.FAILED);
        assertThat(tally.counts()).isEqualTo(new BatchView.Counts(0, 0, 2, 1, 0));
    }

    @Test
    void zipNamesKeepTheOriginalNameWithoutPathOrUnsafeCharacters() {
        assertThat(BatchArchive.stem("sneaker.png")).isEqualTo("sneaker");
        assertThat(BatchArchive.stem("../../etc/passwd")).isEqualTo("passwd");
        assertThat(BatchArchive.stem("C:\\photos\\my cat (1).jpeg")).isEqualTo("my_cat__1_");
        assertThat(BatchArchive.stem("")).isEqualTo("image");
        assertThat(BatchArchive.stem("..")).isEqualTo("image");
        assertThat(BatchArchive.stem("x".repeat(100) + ".png")).hasSize(64);
    }
}
