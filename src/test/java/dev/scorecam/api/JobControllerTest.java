package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.scorecam.cache.AnswerCache;
import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.InMemoryJobSystem;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.JobSystem;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.ShuttingDownException;
import dev.scorecam.security.Clients;
import dev.scorecam.security.Quota;
import dev.scorecam.security.RateLimitedException;

/** How the job system's outcomes map to HTTP, with a fake engine behind the controllers. */
@WebMvcTest({JobController.class, ExplanationController.class})
class JobControllerTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ExplanationJobs jobs;

    @MockitoBean
    Explainer explainer;

    /** Off (a mock keys nothing): every answer is computed, as these tests count on. */
    @MockitoBean
    AnswerCache cache;

    final CountDownLatch release = new CountDownLatch(1);
    /** Lets a "work" job go on to its second batch: until then it cannot end, whatever is asked of it. */
    final CountDownLatch secondBatch = new CountDownLatch(1);
    /**
     * Jobs that run until released: "work" reports its first batch, waits for {@link #secondBatch},
     * then reports progress every 10 ms (and stops there when cancelled); "quiet" reports nothing
     * before it is released.
     */
    final Computation<String, Explanation> held = (work, progress) -> {
        if (work.equals("quiet")) {
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            return null;
        }
        progress.report(1, 1000);
        secondBatch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 2; !release.await(10, TimeUnit.MILLISECONDS); i++) {
            progress.report(i, 1000);
        }
        return null;
    };
    final JobSystem<String, Explanation> system = new InMemoryJobSystem<>(
            List.of(new JobQueue<>("fake", 2, List.of(held), JobListener.NONE, Clock.systemUTC())),
            new JobStore<>(Duration.ofMinutes(1), 10, Ticker.systemTicker()), Clock.systemUTC());

    final MockMultipartFile image = new MockMultipartFile("image", "a.png", "image/png", new byte[] {1});

    /** The controllers' jobs are the fake system's, looked up afresh at each call. */
    @BeforeEach
    void delegateToTheFakeSystem() {
        when(jobs.find(any())).thenAnswer(call -> system.find(call.getArgument(0)));
        when(jobs.cancel(any())).thenAnswer(call -> system.cancel(call.getArgument(0), JobError.cancelledByClient()));
    }

    @AfterEach
    void stop() {
        secondBatch.countDown();
        release.countDown();
        system.shutdown(Duration.ofSeconds(2));
    }

    JobSnapshot<Explanation> awaitState(UUID id, Predicate<JobSnapshot<Explanation>> state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JobSnapshot<Explanation> job = system.find(id).orElseThrow();
        while (!state.test(job) && System.nanoTime() < deadline) {
            Thread.sleep(2);
            job = system.find(id).orElseThrow();
        }
        assertThat(state).as("state of %s", job).accepts(job);
        return job;
    }

    UUID runningJob() throws InterruptedException {
        UUID id = system.submit("fake", Clients.ANONYMOUS, "work").id();
        awaitState(id, job -> job.status() == JobStatus.RUNNING && job.progress().isPresent());
        return id;
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        when(jobs.explain(any(), any())).thenThrow(new QueueFullException("fashion-cnn", 4, Duration.ofSeconds(3)));

        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(503))
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(jsonPath("$.type").value("/problems/queue-full"));
        when(jobs.submit(any(), any())).thenThrow(new QueueFullException("fashion-cnn", 4, Duration.ofSeconds(1)));
        mvc.perform(multipart("/v1/jobs").file(image).param("model", "fashion-cnn"))
                .andExpect(status().is(503))
                .andExpect(header().string("Retry-After", "1"));
    }

    /** A client over its concurrent jobs (docs/security.md): 429 with the limit's headers, for both endpoints. */
    @Test
    void aClientOverItsJobLimitIs429WithRetryAfter() throws Exception {
        RateLimitedException tooMany = new RateLimitedException(new Quota("jobs", 2, null, 0, Duration.ofSeconds(5)));
        when(jobs.submit(any(), any())).thenThrow(tooMany);
        when(jobs.explain(any(), any())).thenThrow(tooMany);

        for (var request : List.of(multipart("/v1/jobs").file(image).param("model", "fashion-cnn"),
                multipart("/v1/models/fashion-cnn/explanations").file(image))) {
            mvc.perform(request)
                    .andExpect(status().is(429))
                    .andExpect(header().string("Retry-After", "5"))
                    .andExpect(header().string("RateLimit-Policy", "\"jobs\";q=2"))
                    .andExpect(header().string("RateLimit", "\"jobs\";r=0;t=5"))
                    .andExpect(jsonPath("$.type").value("/problems/rate-limited"));
        }
    }

    @Test
    void shuttingDownIs503() throws Exception {
        when(jobs.explain(any(), any())).thenThrow(new ShuttingDownException());
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(503))
                .andExpect(jsonPath("$.type").value("/problems/shutting-down"));
    }

    @Test
    void aTimeoutIs504AndAnEngineFailure500() throws Exception {
        when(jobs.explain(any(), any())).thenThrow(new JobFailedException(new JobError(JobError.Kind.TIMED_OUT, "too slow")));
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(504))
                .andExpect(jsonPath("$.type").value("/problems/timeout"));

        doThrow(new JobFailedException(new JobError(JobError.Kind.INFERENCE_FAILED, "engine failed")))
                .when(jobs).explain(any(), any());
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(500))
                .andExpect(jsonPath("$.type").value("/problems/inference-failed"));
    }

    @Test
    void aRunningJobShowsProgressHasNoResultYetAndCanBeCancelled() throws Exception {
        UUID job = runningJob();

        mvc.perform(get("/v1/jobs/{id}", job))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("RUNNING"))
                .andExpect(jsonPath("$.progress.total").value(1000));
        mvc.perform(get("/v1/jobs/{id}/result", job))
                .andExpect(status().is(409))
                .andExpect(jsonPath("$.type").value("/problems/job-not-finished"));

        mvc.perform(delete("/v1/jobs/{id}", job))
                .andExpect(status().is(202))
                .andExpect(jsonPath("$.status").value("RUNNING")); // until its next batch
        secondBatch.countDown();
        assertThat(system.await(job, WAIT).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

        mvc.perform(get("/v1/jobs/{id}", job))
                .andExpect(jsonPath("$.status").value("CANCELLED"))
                .andExpect(jsonPath("$.error.type").value("/problems/job-cancelled"));
        mvc.perform(get("/v1/jobs/{id}/result", job))
                .andExpect(status().is(409))
                .andExpect(jsonPath("$.type").value("/problems/job-cancelled"));
        mvc.perform(delete("/v1/jobs/{id}", job)) // already ended: left as it was
                .andExpect(status().is(200))
                .andExpect(jsonPath("$.status").value("CANCELLED"));
    }

    @Test
    void aJobThatHasJustStartedShowsNoProgressUntilItsFirstBatch() throws Exception {
        UUID job = system.submit("fake", Clients.ANONYMOUS, "quiet").id();
        awaitState(job, started -> started.status() == JobStatus.RUNNING);

        mvc.perform(get("/v1/jobs/{id}", job))
                .andExpect(jsonPath("$.status").value("RUNNING"))
                .andExpect(jsonPath("$.startedAt").exists())
                .andExpect(jsonPath("$.progress").doesNotExist());
    }

    @Test
    void unknownAndMalformedIdsAre404() throws Exception {
        mvc.perform(get("/v1/jobs/{id}", UUID.randomUUID()))
                .andExpect(status().is(404))
                .andExpect(jsonPath("$.type").value("/problems/unknown-job"));
        mvc.perform(delete("/v1/jobs/{id}", "not-a-uuid"))
                .andExpect(status().is(404))
                .andExpect(jsonPath("$.type").value("/problems/unknown-job"));
    }

    @Test
    void aQueuedJobShowsItsPosition() throws Exception {
        UUID running = runningJob();
        UUID queued = system.submit("fake", Clients.ANONYMOUS, "next").id();

        mvc.perform(get("/v1/jobs/{id}", queued))
                .andExpect(jsonPath("$.status").value("QUEUED"))
                .andExpect(jsonPath("$.position").value(1))
                .andExpect(jsonPath("$.progress").doesNotExist())
                .andExpect(jsonPath("$.links.self").value("/v1/jobs/" + queued));
        assertThat(system.find(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }
}
