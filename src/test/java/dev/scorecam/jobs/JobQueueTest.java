package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scorecam.EngineFailureExpected;

/**
 * One model's queue and its workers, the in-memory job system's moving part, with a fake engine:
 * no model, no HTTP. What any job system must do is in {@link JobSystemContract}.
 */
class JobQueueTest {

    static final String MODEL = "fake";

    final FakeWork.Engine engine = new FakeWork.Engine();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final JobListener listener = new JobListener() {
        @Override
        public void rejected(String model) {
            events.add("rejected");
        }

        @Override
        public void finished(JobSnapshot<?> job, Duration computed) {
            events.add(job.status().name());
        }
    };
    final CountDownLatch release = new CountDownLatch(1);
    JobQueue<FakeWork, String> queue;

    JobQueue<FakeWork, String> queue(int capacity, int workers) {
        List<Computation<FakeWork, String>> slots = Collections.nCopies(workers, engine);
        queue = new JobQueue<>(MODEL, capacity, slots, listener, Clock.systemUTC());
        return queue;
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (queue != null) {
            queue.shutdown(Instant.now().plusSeconds(5));
        }
    }

    static Job<String> await(Job<String> job) throws Exception {
        job.completion().get(10, TimeUnit.SECONDS);
        return job;
    }

    static void awaitStatus(Job<String> job, JobStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (job.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(job.status()).isEqualTo(status);
    }

    @Test
    void runsAJobToItsResult() throws Exception {
        Job<String> job = queue(4, 1).submit(FakeWork.slow("a", 3, 1));

        assertThat(await(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.result()).contains("a");
        assertThat(job.done()).isEqualTo(3);
        assertThat(job.startedAt()).isPresent();
        JobSnapshot<String> end = job.completion().getNow(null);
        assertThat(end.finishedAt().orElseThrow()).isAfterOrEqualTo(end.startedAt().orElseThrow());
        assertThat(end.progress()).contains(new JobProgress(3, 3));
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfter() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(2, 1);
        Job<String> running = jobs.submit(FakeWork.held("running", release));
        awaitStatus(running, JobStatus.RUNNING);
        jobs.submit(FakeWork.quick("q1"));
        jobs.submit(FakeWork.quick("q2"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> jobs.submit(FakeWork.quick("q3")))
                .isInstanceOf(QueueFullException.class)
                .satisfies(e -> assertThat(((QueueFullException) e).retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        // The running job is held until the test releases it: a submit that waited for space would never return.
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(events).containsExactly("rejected");

        release.countDown();
        assertThat(await(running).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void retryAfterGrowsWithQueueLengthTimesMeanServiceTime() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(3, 1);
        await(jobs.submit(FakeWork.slow("measure", 1, 800))); // mean service time ~0.8 s
        Job<String> running = jobs.submit(FakeWork.held("running", release));
        awaitStatus(running, JobStatus.RUNNING);
        for (int i = 0; i < 3; i++) {
            jobs.submit(FakeWork.quick("q" + i));
        }

        QueueFullException full = null;
        try {
            jobs.submit(FakeWork.quick("refused"));
        } catch (QueueFullException e) {
            full = e;
        }
        // 3 waiting x ~0.8 s, rounded up
        assertThat(full).isNotNull();
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void runsJobsInTheOrderTheyCame() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(16, 1);
        Job<String> first = jobs.submit(FakeWork.held("first", release));
        awaitStatus(first, JobStatus.RUNNING);
        List<Job<String>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(jobs.submit(FakeWork.quick("job-" + i)));
        }
        assertThat(jobs.position(queued.get(0))).isEqualTo(1);
        assertThat(jobs.position(queued.get(9))).isEqualTo(10);

        release.countDown();
        for (Job<String> job : queued) {
            await(job);
        }
        assertThat(engine.started).containsExactly("first", "job-0", "job-1", "job-2", "job-3", "job-4", "job-5",
                "job-6", "job-7", "job-8", "job-9");
    }

    @Test
    void cancelsAQueuedJobAtOnceAndFreesItsPlace() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(1, 1);
        Job<String> running = jobs.submit(FakeWork.held("running", release));
        awaitStatus(running, JobStatus.RUNNING);
        Job<String> queued = jobs.submit(FakeWork.quick("queued"));

        assertThat(jobs.cancel(queued, JobError.cancelledByClient())).isTrue();

        assertThat(queued.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(queued.error().orElseThrow().kind()).isEqualTo(JobError.Kind.CANCELLED);
        Job<String> next = jobs.submit(FakeWork.quick("next")); // the place is free again
        release.countDown();
        await(next);
        assertThat(engine.started).containsExactly("running", "next");
    }

    @Test
    void cancelsARunningJobBetweenBatches() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> job = jobs.submit(FakeWork.slow("long", 1000, 5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (job.done() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }

        assertThat(jobs.cancel(job, JobError.cancelledByClient())).isTrue();

        assertThat(await(job).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(engine.batchesRun).hasSizeLessThan(20);
        assertThat(job.result()).isEmpty();
        // the worker is free again
        assertThat(await(jobs.submit(FakeWork.quick("after"))).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(jobs.cancel(job, JobError.cancelledByClient())).isFalse();
    }

    @Test
    void aWaiterThatTimesOutCancelsTheJob() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> job = jobs.submit(FakeWork.slow("slow", 1000, 5));

        assertThatThrownBy(() -> job.completion().get(50, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        jobs.cancel(job, new JobError(JobError.Kind.TIMED_OUT, "timed out"));

        assertThat(await(job).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(job.error().orElseThrow().kind()).isEqualTo(JobError.Kind.TIMED_OUT);
        assertThat(engine.batchesRun).hasSizeLessThan(100);
    }

    /** The listener hears of a job just after it completes, on the worker thread. */
    void awaitEvents(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    @Test
    @EngineFailureExpected
    void anEngineErrorFailsThatJobOnlyAndTheWorkerKeepsServing() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> failing = jobs.submit(FakeWork.failing("bad"));
        Job<String> after = jobs.submit(FakeWork.quick("good"));

        assertThat(await(failing).status()).isEqualTo(JobStatus.FAILED);
        JobError error = failing.error().orElseThrow();
        assertThat(error.kind()).isEqualTo(JobError.Kind.INFERENCE_FAILED);
        assertThat(error.detail()).doesNotContain("libtorch", "IllegalStateException");
        assertThat(await(after).status()).isEqualTo(JobStatus.SUCCEEDED);
        awaitEvents(2);
        assertThat(events).containsExactly("FAILED", "SUCCEEDED");
    }

    @Test
    void severalWorkersShareOneQueue() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(8, 2);
        CountDownLatch second = new CountDownLatch(1);
        Job<String> a = jobs.submit(FakeWork.held("a", release));
        Job<String> b = jobs.submit(FakeWork.held("b", second));
        awaitStatus(a, JobStatus.RUNNING);
        awaitStatus(b, JobStatus.RUNNING);
        assertThat(jobs.state().busy()).isEqualTo(2);
        release.countDown();
        second.countDown();
        assertThat(await(a).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(await(b).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void shutdownRefusesNewJobsLetsRunningOnesFinishAndCancelsTheRest() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> running = jobs.submit(FakeWork.slow("running", 10, 20));
        awaitStatus(running, JobStatus.RUNNING);
        Job<String> waiting = jobs.submit(FakeWork.quick("waiting"));

        jobs.shutdown(Instant.now().plusSeconds(5));

        assertThat(running.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(waiting.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(waiting.error().orElseThrow().kind()).isEqualTo(JobError.Kind.SHUT_DOWN);
        assertThatThrownBy(() -> jobs.submit(FakeWork.quick("late")))
                .isInstanceOf(ShuttingDownException.class);
    }

    @Test
    void shutdownCancelsJobsThatOutliveTheGracePeriod() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> endless = jobs.submit(FakeWork.slow("endless", 100_000, 5));
        awaitStatus(endless, JobStatus.RUNNING);

        long start = System.nanoTime();
        jobs.shutdown(Instant.now().plusMillis(200));

        assertThat(endless.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(endless.error().orElseThrow().detail()).contains("grace period");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aJobStuckInTheEngineStillEndsAtShutdown() throws Exception {
        JobQueue<FakeWork, String> jobs = queue(4, 1);
        Job<String> stuck = jobs.submit(FakeWork.held("stuck", new CountDownLatch(1)));
        awaitStatus(stuck, JobStatus.RUNNING);

        jobs.shutdown(Instant.now().plusMillis(100));

        assertThat(stuck.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(stuck.completion()).isDone();
    }
}
