package dev.scorecam.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scorecam.config.TestProperties;
import dev.scorecam.explain.Explanation;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.model.ServedModel;

/**
 * The concurrent-jobs limit where jobs are made ({@link ExplanationJobs}): a client's queued or
 * running jobs, asynchronous and synchronous alike, hold a slot each until they end; other
 * clients are not held back. Jobs here wait for the test to release them.
 */
class ConcurrentJobsTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String MODEL = "fashion-cnn";

    final CountDownLatch release = new CountDownLatch(1);
    final Explanation result = mock(Explanation.class);
    final Computation<PreparedRequest, Explanation> held = (work, progress) -> {
        release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        return result;
    };
    final InMemoryJobSystem<PreparedRequest, Explanation> system = new InMemoryJobSystem<>(
            List.of(new JobQueue<>(MODEL, 8, List.of(held, held, held), JobListener.NONE, Clock.systemUTC())),
            new JobStore<>(Duration.ofMinutes(1), 10, Ticker.systemTicker()), Clock.systemUTC());
    final ExplanationJobs jobs = new ExplanationJobs(system, TestProperties.cpu(), new JobQuota(new LocalSlots(),
            new SecurityProperties.Limits(0, Duration.ofMinutes(1), 2, Map.of())));
    final PreparedRequest prepared = prepared();
    final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
        system.shutdown(Duration.ofSeconds(2));
    }

    static PreparedRequest prepared() {
        ServedModel model = mock(ServedModel.class);
        when(model.name()).thenReturn(MODEL);
        return new PreparedRequest(model, null, null, null, 1, null, null, null, false);
    }

    @Test
    void aClientsJobsHoldItsSlotsUntilTheyEnd() throws Exception {
        JobSnapshot<Explanation> first = jobs.submit(prepared, "alice");
        // A synchronous request is a job too, and waits (on its own thread) while it runs.
        Future<Explanation> waiting = callers.submit(() -> jobs.explain(prepared, "alice"));
        awaitRunning(2);

        assertThatThrownBy(() -> jobs.submit(prepared, "alice"))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.detail()).contains("2 jobs"));
        assertThatThrownBy(() -> jobs.explain(prepared, "alice")).isInstanceOf(RateLimitedException.class);
        JobSnapshot<Explanation> bobs = jobs.submit(prepared, "bob");
        assertThat(bobs.owner()).isEqualTo("bob");

        release.countDown();
        waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(system.await(first.id(), WAIT).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        // The slots come back when the jobs end (the asynchronous one's a moment after, on its event).
        awaitSubmitted("alice");
        awaitSubmitted("alice");
    }

    @Test
    void aRefusedSubmissionTakesNoSlot() {
        JobQuota quota = new JobQuota(new LocalSlots(), new SecurityProperties.Limits(0, Duration.ofMinutes(1), 1, Map.of()));
        ExplanationJobs full = new ExplanationJobs(system, TestProperties.cpu(), quota);
        PreparedRequest unknown = new PreparedRequest(mockModel("no-such-model"), null, null, null, 1, null, null, null, false);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> full.submit(unknown, "alice")).isInstanceOf(IllegalArgumentException.class);
        }
        full.submit(prepared, "alice"); // still has its one slot
    }

    private static ServedModel mockModel(String name) {
        ServedModel model = mock(ServedModel.class);
        when(model.name()).thenReturn(name);
        return model;
    }

    private void awaitRunning(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (system.queue(MODEL).busy() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(system.queue(MODEL).busy()).isEqualTo(count);
    }

    private void awaitSubmitted(String client) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                UUID id = jobs.submit(prepared, client).id();
                assertThat(system.await(id, WAIT).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
                return;
            } catch (RateLimitedException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }
}
