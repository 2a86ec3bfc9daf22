package dev.scorecam.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scorecam.jobs.Job;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobScheduler;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.QueueFullException;

/** Every way a job ends lands in scorecam.jobs under its outcome; only jobs that ran are timed. */
class JobMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final JobScheduler<String, String> scheduler = new JobScheduler<>(
            List.of(new JobQueue<>("m", 1, List.of(JobMetricsTest::compute), new JobMetrics(registry),
                    Clock.systemUTC())),
            new JobStore<>(Duration.ofMinutes(1), 100, Ticker.systemTicker()), Clock.systemUTC());

    /** "ok" succeeds, "fail" throws, "block" runs until cancelled. */
    static String compute(String work, dev.scorecam.cam.Progress progress) throws InterruptedException {
        switch (work) {
            case "fail" -> throw new IllegalStateException("engine failure");
            case "block" -> {
                for (int i = 0; i < 1000; i++) {
                    progress.maskedInputsScored(i, 1000);
                    Thread.sleep(5);
                }
            }
            default -> { }
        }
        return work;
    }

    @AfterEach
    void shutDown() {
        scheduler.shutdown(Duration.ofSeconds(5));
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

    static Job<String> await(Job<String> job) throws Exception {
        return job.completion().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyOutcomeIsCounted() throws Exception {
        assertThat(await(scheduler.submit("m", "ok", false)).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(await(scheduler.submit("m", "fail", false)).status()).isEqualTo(JobStatus.FAILED);
        assertThat(jobs("succeeded")).isEqualTo(1);
        assertThat(jobs("failed")).isEqualTo(1);
        assertThat(computed(2)).isEqualTo(2);
        assertThat(registry.find("scorecam.queue.wait").tags("model", "m").timer().count()).isEqualTo(2);

        Job<String> running = scheduler.submit("m", "block", false);
        while (running.status() != JobStatus.RUNNING) {
            Thread.sleep(1);
        }
        Job<String> waiting = scheduler.submit("m", "ok", false);
        assertThatThrownBy(() -> scheduler.submit("m", "ok", false)).isInstanceOf(QueueFullException.class);
        assertThat(jobs("rejected")).isEqualTo(1);

        scheduler.cancel(waiting, new JobError(JobError.Kind.TIMED_OUT, "no result in time"));
        assertThat(await(waiting).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs("timeout")).isEqualTo(1);

        scheduler.cancel(running, JobError.cancelledByClient());
        assertThat(await(running).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs("cancelled")).isEqualTo(1);
        // The waiting job never ran; the cancelled one ran and is timed.
        assertThat(computed(3)).isEqualTo(3);
    }
}
