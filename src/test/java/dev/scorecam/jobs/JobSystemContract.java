package dev.scorecam.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scorecam.EngineFailureExpected;

/**
 * What every {@link JobSystem} does, whatever keeps its jobs: each implementation's test extends
 * this and says how to build one. The work is {@link FakeWork} on a fake engine, one model.
 * Every wait has a deadline.
 */
public abstract class JobSystemContract {

    protected static final String MODEL = "fake";
    static final Duration WAIT = Duration.ofSeconds(10);

    protected final FakeWork.Engine engine = new FakeWork.Engine();
    /** What the system told its listener, in order: "rejected", or a finished job's status and error kind. */
    protected final List<String> heard = new CopyOnWriteArrayList<>();
    /** The results of the finished jobs the listener was told of (metrics tag a job by what its result says). */
    protected final List<Object> heardResults = new CopyOnWriteArrayList<>();
    protected final JobListener listener = new JobListener() {
        @Override
        public void rejected(String model) {
            heard.add("rejected");
        }

        @Override
        public void finished(JobSnapshot<?> job, Duration computed) {
            job.result().ifPresent(heardResults::add);
            heard.add(job.status() + job.error().map(e -> " " + e.kind()).orElse(""));
        }
    };
    final CountDownLatch release = new CountDownLatch(1);
    private JobSystem<FakeWork, String> jobs;

    /**
     * A fresh system with one model, {@link #MODEL}, whose {@code workers} workers run
     * {@code engine} and tell {@code listener}; at most {@code capacity} jobs wait.
     */
    protected abstract JobSystem<FakeWork, String> create(int capacity, int workers,
            Computation<FakeWork, String> engine, JobListener listener);

    JobSystem<FakeWork, String> jobs(int capacity, int workers) {
        jobs = create(capacity, workers, engine, listener);
        return jobs;
    }

    @AfterEach
    void shutDown() {
        release.countDown();
        if (jobs != null) {
            jobs.shutdown(Duration.ofSeconds(5));
        }
    }

    JobSnapshot<String> awaitEnd(UUID id) throws InterruptedException {
        JobSnapshot<String> job = jobs.await(id, WAIT).orElseThrow();
        assertThat(job.status().isFinal()).as("%s ended within %s", job, WAIT).isTrue();
        return job;
    }

    /** Polls the job (every few ms, up to the deadline) until it is as asked. */
    JobSnapshot<String> awaitState(UUID id, Predicate<JobSnapshot<String>> state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JobSnapshot<String> job = jobs.find(id).orElseThrow();
        while (!state.test(job) && System.nanoTime() < deadline) {
            Thread.sleep(2);
            job = jobs.find(id).orElseThrow();
        }
        assertThat(state).as("state of %s", job).accepts(job);
        return job;
    }

    JobSnapshot<String> awaitRunning(UUID id) throws InterruptedException {
        return awaitState(id, job -> job.status() == JobStatus.RUNNING);
    }

    void awaitHeard(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (heard.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    @Test
    void aSubmittedJobRunsToItsResult() throws Exception {
        JobSnapshot<String> submitted = jobs(4, 1).submit(MODEL, FakeWork.slow("a", 3, 1));
        assertThat(submitted.model()).isEqualTo(MODEL);
        assertThat(submitted.status()).isIn(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);

        JobSnapshot<String> done = awaitEnd(submitted.id());

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result()).contains("a");
        assertThat(done.error()).isEmpty();
        assertThat(done.progress()).contains(new JobProgress(3, 3));
        assertThat(done.startedAt().orElseThrow()).isAfterOrEqualTo(done.submittedAt());
        assertThat(done.finishedAt().orElseThrow()).isAfterOrEqualTo(done.startedAt().orElseThrow());
        assertThat(jobs.find(submitted.id()).orElseThrow().result()).contains("a");
        awaitHeard(1);
        assertThat(heard).containsExactly("SUCCEEDED");
        assertThat(heardResults).as("the listener hears a succeeded job with its result").containsExactly("a");
    }

    /** The API shows a job to the client that submitted it only: every snapshot names that client. */
    @Test
    void aJobKeepsItsOwnerToTheEnd() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        JobSnapshot<String> alices = jobs.submit(MODEL, "alice", FakeWork.slow("a", 2, 1));
        JobSnapshot<String> anonymous = jobs.submit(MODEL, FakeWork.quick("b"));

        assertThat(alices.owner()).isEqualTo("alice");
        assertThat(awaitEnd(alices.id()).owner()).isEqualTo("alice");
        assertThat(jobs.find(alices.id()).orElseThrow().owner()).isEqualTo("alice");
        assertThat(awaitEnd(anonymous.id()).owner()).isEqualTo(JobSnapshot.NO_OWNER);
    }

    @Test
    @EngineFailureExpected
    void anEngineErrorFailsThatJobOnlyAndTheWorkerKeepsServing() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID failing = jobs.submit(MODEL, FakeWork.failing("bad")).id();
        UUID after = jobs.submit(MODEL, FakeWork.quick("good")).id();

        JobSnapshot<String> failed = awaitEnd(failing);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.result()).isEmpty();
        JobError error = failed.error().orElseThrow();
        assertThat(error.kind()).isEqualTo(JobError.Kind.INFERENCE_FAILED);
        assertThat(error.detail()).doesNotContain("libtorch", "IllegalStateException");
        assertThat(awaitEnd(after).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfter() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(2, 1);
        UUID running = jobs.submit(MODEL, FakeWork.held("running", release)).id();
        awaitRunning(running);
        jobs.submit(MODEL, FakeWork.quick("q1"));
        jobs.submit(MODEL, FakeWork.quick("q2"));
        assertThat(jobs.queue(MODEL)).extracting(QueueState::waiting, QueueState::capacity).containsExactly(2, 2);

        long start = System.nanoTime();
        assertThatThrownBy(() -> jobs.submit(MODEL, FakeWork.quick("q3")))
                .isInstanceOfSatisfying(QueueFullException.class,
                        full -> assertThat(full.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThatThrownBy(() -> jobs.call(MODEL, FakeWork.quick("q4"), WAIT, timedOut()))
                .isInstanceOf(QueueFullException.class);
        // The running job is held until the test releases it: a submit that waited for space would never return.
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(heard).containsExactly("rejected", "rejected");

        release.countDown();
        assertThat(awaitEnd(running).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void cancellingAQueuedJobEndsItAtOnceAndFreesItsPlace() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(1, 1);
        UUID running = jobs.submit(MODEL, FakeWork.held("running", release)).id();
        awaitRunning(running);
        UUID queued = jobs.submit(MODEL, FakeWork.quick("queued")).id();

        JobSnapshot<String> cancelled = jobs.cancel(queued, JobError.cancelledByClient()).orElseThrow();

        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.error().orElseThrow().kind()).isEqualTo(JobError.Kind.CANCELLED);
        assertThat(cancelled.position()).isZero();
        UUID next = jobs.submit(MODEL, FakeWork.quick("next")).id(); // the place is free again
        release.countDown();
        awaitEnd(next);
        assertThat(engine.started).containsExactly("running", "next");
        awaitHeard(3);
        assertThat(heard).containsExactly("CANCELLED CANCELLED", "SUCCEEDED", "SUCCEEDED");
    }

    @Test
    void cancellingARunningJobStopsItBetweenBatches() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID id = jobs.submit(MODEL, FakeWork.slow("long", 1000, 5)).id();
        awaitState(id, job -> job.progress().map(JobProgress::done).orElse(0) >= 3);

        JobSnapshot<String> stopping = jobs.cancel(id, JobError.cancelledByClient()).orElseThrow();

        assertThat(stopping.status()).isIn(JobStatus.RUNNING, JobStatus.CANCELLED); // RUNNING until its next batch
        JobSnapshot<String> cancelled = awaitEnd(id);
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.error().orElseThrow().kind()).isEqualTo(JobError.Kind.CANCELLED);
        assertThat(cancelled.result()).isEmpty();
        assertThat(engine.batchesRun).hasSizeLessThan(20);
        // the worker is free again, and cancelling an ended job leaves it as it was
        assertThat(jobs.call(MODEL, FakeWork.quick("after"), WAIT, timedOut())).isEqualTo("after");
        assertThat(jobs.cancel(id, new JobError(JobError.Kind.TIMED_OUT, "late")).orElseThrow())
                .isEqualTo(cancelled);
    }

    @Test
    void queuedJobsKnowTheirPlaceAndRunInTheOrderTheyCame() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(16, 1);
        UUID first = jobs.submit(MODEL, FakeWork.held("first", release)).id();
        awaitRunning(first);
        List<JobSnapshot<String>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(jobs.submit(MODEL, FakeWork.quick("job-" + i)));
        }
        assertThat(queued).extracting(JobSnapshot::position).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(jobs.find(queued.get(9).id()).orElseThrow().position()).isEqualTo(10);
        assertThat(jobs.find(first).orElseThrow().position()).isZero();

        jobs.cancel(queued.get(0).id(), JobError.cancelledByClient());
        assertThat(jobs.find(queued.get(9).id()).orElseThrow().position()).isEqualTo(9);

        release.countDown();
        for (JobSnapshot<String> job : queued) {
            awaitEnd(job.id());
        }
        assertThat(engine.started).containsExactly("first", "job-1", "job-2", "job-3", "job-4", "job-5",
                "job-6", "job-7", "job-8", "job-9");
    }

    @Test
    void aRunningJobShowsNoProgressBeforeItsFirstBatchThenDoneOutOfTotal() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID held = jobs.submit(MODEL, FakeWork.held("held", release)).id();
        JobSnapshot<String> started = awaitRunning(held);
        assertThat(started.startedAt()).isPresent();
        assertThat(started.progress()).isEmpty();
        release.countDown();
        awaitEnd(held);

        UUID slow = jobs.submit(MODEL, FakeWork.slow("slow", 400, 5)).id();
        JobSnapshot<String> running = awaitState(slow, job -> job.progress().isPresent());
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.progress().orElseThrow().total()).isEqualTo(400);
        assertThat(running.progress().orElseThrow().done()).isBetween(1, 399);
    }

    /** Progress events, then one end; collects them for the test. */
    static final class Events implements JobEvents<String> {

        final List<String> heard = new CopyOnWriteArrayList<>();
        final List<JobProgress> progress = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void progress(UUID job, JobProgress report) {
            progress.add(report);
            heard.add("progress");
        }

        @Override
        public void partial(UUID job, String soFar, JobProgress progress) {
            heard.add("partial " + soFar + " at " + progress.done() + "/" + progress.total());
        }

        @Override
        public void ended(JobSnapshot<String> job) {
            heard.add("end " + job.status());
            ended.countDown();
        }

        void awaitEnd() throws InterruptedException {
            assertThat(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the end was told").isTrue();
        }
    }

    @Test
    void aSubscriberHearsProgressThenExactlyOneEnd() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID id = jobs.submit(MODEL, FakeWork.slow("a", 20, 5)).id();
        Events events = new Events();

        JobSubscription subscription = jobs.subscribe(id, events).orElseThrow();
        events.awaitEnd();
        Thread.sleep(50); // anything late would arrive now

        assertThat(events.heard).last().isEqualTo("end SUCCEEDED");
        assertThat(events.heard).filteredOn(e -> e.startsWith("end")).hasSize(1);
        assertThat(events.progress).isNotEmpty().allSatisfy(p -> assertThat(p.total()).isEqualTo(20));
        assertThat(events.progress).extracting(JobProgress::done).isSorted();
        subscription.close();
        subscription.close(); // closing twice is fine
    }

    @Test
    void partialResultsReachASubscriberAfterTheirBatchAndBeforeTheEnd() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        CountDownLatch release = new CountDownLatch(1);
        FakeWork work = new FakeWork("a", 3, 0, release, false);
        UUID id = jobs.submit(MODEL, work).id();
        Events events = new Events();

        jobs.subscribe(id, events).orElseThrow(); // before the work starts, so every batch is heard
        release.countDown();
        events.awaitEnd();

        assertThat(events.heard).containsExactly(
                "progress", "partial a@1 at 1/3",
                "progress", "partial a@2 at 2/3",
                "progress", "partial a@3 at 3/3",
                "end SUCCEEDED");
        assertThat(awaitEnd(id).result()).contains("a"); // partials are not kept as the result
    }

    @Test
    void aSubscriberToAJobThatHasEndedHearsOnlyItsEnd() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID id = jobs.submit(MODEL, FakeWork.slow("a", 5, 1)).id();
        awaitEnd(id);
        Events events = new Events();

        jobs.subscribe(id, events).orElseThrow();
        events.awaitEnd();
        Thread.sleep(50);

        assertThat(events.heard).containsExactly("end SUCCEEDED");
    }

    @Test
    void subscribersArrivingWhileJobsEndHearEachEndOnce() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(64, 2);
        List<Events> subscribers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            UUID id = jobs.submit(MODEL, FakeWork.slow("j" + i, 2, 0)).id();
            for (int s = 0; s < 4; s++) {
                Events events = new Events();
                jobs.subscribe(id, events).orElseThrow();
                subscribers.add(events);
            }
        }
        for (Events events : subscribers) {
            events.awaitEnd();
        }
        Thread.sleep(50);
        assertThat(subscribers).allSatisfy(events -> {
            assertThat(events.heard).last().isEqualTo("end SUCCEEDED");
            assertThat(events.heard).filteredOn(e -> e.startsWith("end")).hasSize(1);
        });
    }

    @Test
    @EngineFailureExpected
    void aCallGetsItsResultOrItsJobsError() {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);

        assertThat(jobs.call(MODEL, FakeWork.slow("sync", 3, 1), WAIT, timedOut())).isEqualTo("sync");
        assertThatThrownBy(() -> jobs.call(MODEL, FakeWork.failing("bad"), WAIT, timedOut()))
                .isInstanceOfSatisfying(JobFailedException.class,
                        failed -> assertThat(failed.error().kind()).isEqualTo(JobError.Kind.INFERENCE_FAILED));
    }

    /**
     * Three callers whose jobs take far longer than they wait, one running and two queued when
     * their time runs out: each gets the timeout error, and each job ends cancelled as a timeout,
     * the running one at its next batch.
     */
    @Test
    void callersThatRunOutOfTimeGetTheTimeoutAndTheirJobsAreCancelled() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        List<Future<Throwable>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                FakeWork slow = FakeWork.slow("slow-" + i, 1000, 10);
                outcomes.add(callers.submit(
                        () -> catchThrowable(() -> jobs.call(MODEL, slow, Duration.ofMillis(300), timedOut()))));
            }
            for (Future<Throwable> outcome : outcomes) {
                assertThat(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOfSatisfying(JobFailedException.class,
                                failed -> assertThat(failed.error()).isEqualTo(timedOut()));
            }
        } finally {
            callers.shutdownNow();
        }

        awaitHeard(3);
        assertThat(heard).containsExactly("CANCELLED TIMED_OUT", "CANCELLED TIMED_OUT", "CANCELLED TIMED_OUT");
        assertThat(engine.batchesRun).hasSizeLessThan(100); // of 3000
        assertThat(jobs.queue(MODEL).busy()).isZero();
    }

    @Test
    void awaitingGivesTheJobAsItIsWhenTheTimeIsUp() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID id = jobs.submit(MODEL, FakeWork.held("held", release)).id();
        awaitRunning(id);

        long start = System.nanoTime();
        JobSnapshot<String> now = jobs.await(id, Duration.ofMillis(100)).orElseThrow();

        assertThat(System.nanoTime() - start).isBetween(TimeUnit.MILLISECONDS.toNanos(90), WAIT.toNanos());
        assertThat(now.status()).isEqualTo(JobStatus.RUNNING);
        release.countDown();
        assertThat(awaitEnd(id).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void shutdownLetsRunningJobsFinishCancelsTheRestAndRefusesNewOnes() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 1);
        UUID running = jobs.submit(MODEL, FakeWork.slow("running", 10, 20)).id();
        awaitRunning(running);
        UUID waiting = jobs.submit(MODEL, FakeWork.quick("waiting")).id();

        jobs.shutdown(Duration.ofSeconds(5));

        assertThat(jobs.find(running).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        JobSnapshot<String> cancelled = jobs.find(waiting).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.error().orElseThrow().kind()).isEqualTo(JobError.Kind.SHUT_DOWN);
        assertThatThrownBy(() -> jobs.submit(MODEL, FakeWork.quick("late"))).isInstanceOf(ShuttingDownException.class);
        assertThatThrownBy(() -> jobs.call(MODEL, FakeWork.quick("late"), WAIT, timedOut()))
                .isInstanceOf(ShuttingDownException.class);
    }

    @Test
    void shutdownEndsEvenJobsThatOutliveTheGracePeriod() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(4, 2);
        UUID endless = jobs.submit(MODEL, FakeWork.slow("endless", 100_000, 5)).id();
        UUID stuck = jobs.submit(MODEL, FakeWork.held("stuck", new CountDownLatch(1))).id();
        awaitRunning(endless);
        awaitRunning(stuck);
        Events events = new Events();
        jobs.subscribe(stuck, events);

        long start = System.nanoTime();
        jobs.shutdown(Duration.ofMillis(200));

        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        for (UUID id : List.of(endless, stuck)) {
            JobSnapshot<String> job = jobs.find(id).orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(job.error().orElseThrow().kind()).isEqualTo(JobError.Kind.SHUT_DOWN);
            assertThat(job.error().orElseThrow().detail()).contains("grace period");
        }
        events.awaitEnd();
        assertThat(events.heard).containsExactly("end CANCELLED");
    }

    @Test
    void unknownJobsAndModels() throws Exception {
        JobSystem<FakeWork, String> jobs = jobs(1, 1);
        UUID unknown = UUID.randomUUID();

        assertThat(jobs.find(unknown)).isEmpty();
        assertThat(jobs.cancel(unknown, JobError.cancelledByClient())).isEmpty();
        assertThat(jobs.await(unknown, Duration.ofMillis(10))).isEmpty();
        assertThat(jobs.subscribe(unknown, new Events())).isEqualTo(Optional.empty());
        assertThat(jobs.models()).containsExactly(MODEL);
        assertThatThrownBy(() -> jobs.submit("other", FakeWork.quick("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jobs.queue("other")).isInstanceOf(IllegalArgumentException.class);
    }

    static JobError timedOut() {
        return new JobError(JobError.Kind.TIMED_OUT, "no result in time");
    }
}
