package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One job's state machine and its subscribers, on their own: no queue, no worker. */
class JobTest {

    final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    static Job<String> runningJob() {
        Job<String> job = new Job<>("m", Clock.systemUTC());
        job.start();
        return job;
    }

    /** What a subscriber heard, in order: "progress n/m" and "end STATUS". */
    static final class Heard implements JobEvents<String> {

        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void progress(UUID job, JobProgress progress) {
            events.add("progress " + progress.done() + "/" + progress.total());
        }

        @Override
        public void ended(JobSnapshot<String> job) {
            events.add("end " + job.status());
        }
    }

    @Test
    void aSubscriberHearsProgressThenTheEndOnce() {
        Job<String> job = runningJob();
        Heard heard = new Heard();
        job.subscribe(heard);

        job.progress(1, 2);
        job.progress(2, 2);
        job.succeed("r");

        assertThat(heard.events).containsExactly("progress 1/2", "progress 2/2", "end SUCCEEDED");
    }

    @Test
    void aSubscriberToAJobThatHasEndedHearsTheEndAtOnceAndOnlyThat() {
        Job<String> job = runningJob();
        job.progress(1, 2);
        job.fail(new JobError(JobError.Kind.INFERENCE_FAILED, "engine failed"));

        Heard heard = new Heard();
        job.subscribe(heard);

        assertThat(heard.events).containsExactly("end FAILED");
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() {
        Job<String> job = runningJob();
        Heard heard = new Heard();
        JobSubscription subscription = job.subscribe(heard);
        job.progress(1, 3);

        subscription.close();
        job.progress(2, 3);
        job.succeed("r");

        assertThat(heard.events).containsExactly("progress 1/3");
    }

    @Test
    void aSubscriberThatThrowsIsDroppedAndTheJobCarriesOn() {
        Job<String> job = runningJob();
        AtomicInteger calls = new AtomicInteger();
        job.subscribe(new JobEvents<>() {
            @Override
            public void progress(UUID id, JobProgress progress) {
                calls.incrementAndGet();
                throw new IllegalStateException("client gone");
            }

            @Override
            public void ended(JobSnapshot<String> last) {
                calls.incrementAndGet();
            }
        });
        Heard other = new Heard();
        job.subscribe(other);

        job.progress(1, 2);
        job.progress(2, 2);
        job.succeed("r");

        assertThat(calls).hasValue(1);
        assertThat(other.events).containsExactly("progress 1/2", "progress 2/2", "end SUCCEEDED");
    }

    /**
     * The worker's progress report is held up by a slow subscriber while shutdown ends the job
     * from another thread: the other subscriber must not hear anything after the end (before the
     * fix it heard the end twice, the job being final when the late report reached it).
     */
    @Test
    void aProgressReportCaughtByTheEndDeliversNothingAfterTheFinalEvent() throws Exception {
        Job<String> job = runningJob();
        CountDownLatch inProgress = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        job.subscribe(new JobEvents<>() {
            @Override
            public void progress(UUID id, JobProgress progress) {
                inProgress.countDown();
                await(release); // a slow client holds up the worker's progress report
            }

            @Override
            public void ended(JobSnapshot<String> last) {}
        });
        Heard heard = new Heard();
        job.subscribe(heard);

        Future<?> report = threads.submit(() -> job.progress(1, 10));
        assertThat(inProgress.await(5, TimeUnit.SECONDS)).isTrue();
        Future<?> shutdown = threads.submit(() -> job.abandon(new JobError(JobError.Kind.SHUT_DOWN, "shut down")));
        job.completion().get(5, TimeUnit.SECONDS); // ended; its subscribers are being told
        release.countDown();
        report.get(5, TimeUnit.SECONDS);
        shutdown.get(5, TimeUnit.SECONDS);

        assertThat(heard.events).last().isEqualTo("end CANCELLED");
        assertThat(heard.events).filteredOn(event -> event.startsWith("end")).hasSize(1);
    }

    /**
     * Subscribers registering while the job ends, from another thread: each hears the end exactly
     * once. The window is narrow (the job's end landing between a subscriber's registration and
     * its look at whether the job has ended), so many rounds.
     */
    @Test
    void subscribersRegisteringAsTheJobEndsHearTheEndExactlyOnce() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            Job<String> job = runningJob();
            List<AtomicInteger> ends = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ends.add(new AtomicInteger());
            }
            CountDownLatch go = new CountDownLatch(1);
            Future<?> ending = threads.submit(() -> {
                go.await();
                job.succeed("r");
                return null;
            });
            Future<?> subscribing = threads.submit(() -> {
                go.await();
                for (AtomicInteger count : ends) {
                    job.subscribe(last -> count.incrementAndGet());
                }
                return null;
            });
            go.countDown();
            ending.get(5, TimeUnit.SECONDS);
            subscribing.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < ends.size(); i++) {
                assertThat(ends.get(i)).as("ends told to subscriber %d in round %d", i, round).hasValue(1);
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
