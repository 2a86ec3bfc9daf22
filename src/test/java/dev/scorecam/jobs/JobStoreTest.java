package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class JobStoreTest {

    final AtomicLong nanos = new AtomicLong();
    final JobStore<String> store = new JobStore<>(Duration.ofMinutes(15), 3, nanos::get);

    Job<String> finished(String result) {
        Job<String> job = new Job<>("m", Clock.systemUTC());
        store.add(job);
        job.start();
        job.succeed(result);
        return job;
    }

    @Test
    void keepsUnfinishedJobsAndFinishedOnesForTheTtl() {
        Job<String> waiting = new Job<>("m", Clock.systemUTC());
        store.add(waiting);
        Job<String> done = finished("r");

        nanos.addAndGet(Duration.ofMinutes(14).toNanos());
        assertThat(store.find(done.id())).containsSame(done);

        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(store.find(done.id())).isEmpty();
        assertThat(store.find(waiting.id())).containsSame(waiting); // unfinished jobs never expire
    }

    @Test
    void keepsAtMostMaxStoredFinishedJobs() {
        for (int i = 0; i < 10; i++) {
            finished("r" + i);
        }
        assertThat(store.finishedCount()).isLessThanOrEqualTo(3);
    }

    @Test
    void keepsAtMostMaxStoredBytesOfResults() {
        // 100 jobs or 1,000 bytes of results: two results of 400 bytes fit, a third does not.
        JobStore<String> bytes = new JobStore<>(Duration.ofMinutes(15), 100, 1_000, String::length, nanos::get);
        for (int i = 0; i < 10; i++) {
            Job<String> job = new Job<>("m", Clock.systemUTC());
            bytes.add(job);
            job.start();
            job.succeed(String.valueOf(i).repeat(400));
        }
        assertThat(bytes.finishedCount()).isBetween(1L, 2L);
    }

    @Test
    void unknownIdsAreNotFound() {
        finished("r");
        assertThat(store.find(UUID.randomUUID())).isEmpty();
    }
}
