package dev.scorecam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scorecam.EngineFailureExpected;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.QueueFullException;

/** Every way a job ends lands in scorecam.jobs under its outcome; only jobs that ran are timed. */
class JobMetricsTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final JobSystem<String, String> jobs = new InMemoryJobSystem<>(
            List.of(new JobQueue<>("m", 1, List.of(JobMetricsTest::compute), new JobMetrics(registry),
                    Clock.systemUTC())),
            new JobStore<>(Duration.ofMinutes(1), 100, Ticker.systemTicker()), Clock.systemUTC());

    /** "ok" succeeds, "fail" throws, "block" runs until cancelled. */
    static String compute(String work, Computation.Progress<String> progress) throws InterruptedException {
        switch (work) {
            case "fail" -> throw new IllegalStateException("fake engine failure; the test expects this error");
            case "block" -> {
                for (int i = 1; i <= 1000; i++) {
                    progress.report(i, 1000);
                    Thread.sleep(5);
                }
            }
            default -> { }
        }
        return work;
    }

    @AfterEach
    void shutDown() {
        jobs.shutdown(Duration.ofSeconds(5));
    }

    /** The queue tells its listener just after the job completes: wait for the count to arrive. */
    double jobs(String outcome) throws InterruptedException {
        for (int i = 0; i < 1000 && count(outcome) == 0; i++) {
            Thread.sleep(5);
        }
        return count(outcome);
    }

    double count(String outcome) {
        var counter = registry.find("scorecam.jobs").tags("model", "m", "method", "scorecam", "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    long computed(long expected) throws InterruptedException {
        for (int i = 0; i < 1000 && timed() < expected; i++) {
            Thread.sleep(5);
        }
        return timed();
    }

    long timed() {
        var timer = registry.find("scorecam.compute").tags("model", "m", "method", "scorecam").timer();
        return timer == null ? 0 : timer.count();
    }

    JobSnapshot<String> await(UUID id) throws InterruptedException {
        JobSnapshot<String> job = jobs.await(id, WAIT).orElseThrow();
        assertThat(job.status().isFinal()).as("%s ended", job).isTrue();
        return job;
    }

    void awaitRunning(UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (jobs.find(id).orElseThrow().status() != JobStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    @Test
    @EngineFailureExpected
    void everyOutcomeIsCounted() throws Exception {
        assertThat(await(jobs.submit("m", "ok").id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(await(jobs.submit("m", "fail").id()).status()).isEqualTo(JobStatus.FAILED);
        assertThat(jobs("succeeded")).isEqualTo(1);
        assertThat(jobs("failed")).isEqualTo(1);
        assertThat(computed(2)).isEqualTo(2);
        assertThat(registry.find("scorecam.queue.wait").tags("model", "m").timer().count()).isEqualTo(2);

        UUID running = jobs.submit("m", "block").id();
        awaitRunning(running);
        UUID waiting = jobs.submit("m", "ok").id();
        assertThatThrownBy(() -> jobs.submit("m", "ok")).isInstanceOf(QueueFullException.class);
        assertThat(jobs("rejected")).isEqualTo(1);

        jobs.cancel(waiting, new JobError(JobError.Kind.TIMED_OUT, "no result in time"));
        assertThat(await(waiting).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs("timeout")).isEqualTo(1);

        jobs.cancel(running, JobError.cancelledByClient());
        assertThat(await(running).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs("cancelled")).isEqualTo(1);
        // The waiting job never ran; the cancelled one ran and is timed.
        assertThat(computed(3)).isEqualTo(3);
    }

    /** The caller gives up while its job runs: the job ends at its next batch, counted as a timeout. */
    @Test
    void aRunningJobWhoseCallerTimesOutIsCountedAsATimeout() throws Exception {
        assertThatThrownBy(() -> jobs.call("m", "block", Duration.ofMillis(100),
                new JobError(JobError.Kind.TIMED_OUT, "no result in time")))
                .isInstanceOfSatisfying(JobFailedException.class,
                        failed -> assertThat(failed.error().kind()).isEqualTo(JobError.Kind.TIMED_OUT));

        assertThat(jobs("timeout")).isEqualTo(1);
        assertThat(computed(1)).isEqualTo(1);
        assertThat(count("cancelled") + count("failed") + count("succeeded")).isZero();
    }
}
