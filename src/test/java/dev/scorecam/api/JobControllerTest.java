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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.Explanation;
import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.ExplanationJobs;
import dev.scorecam.jobs.Job;
import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobListener;
import dev.scorecam.jobs.JobQueue;
import dev.scorecam.jobs.JobScheduler;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.JobStore;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.ShuttingDownException;

/** How the job system's outcomes map to HTTP, with a fake engine behind the controllers. */
@WebMvcTest({JobController.class, ExplanationController.class})
class JobControllerTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ExplanationJobs jobs;

    @MockitoBean
    Explainer explainer;

    final CountDownLatch release = new CountDownLatch(1);
    /** Jobs that run until released, stopping between 10 ms batches when cancelled. */
    final Computation<String, Explanation> held = (work, progress) -> {
        for (int i = 1; !release.await(10, TimeUnit.MILLISECONDS); i++) {
            progress.maskedInputsScored(i, 1000);
        }
        return null;
    };
    final JobScheduler<String, Explanation> scheduler = new JobScheduler<>(
            List.of(new JobQueue<>("fake", 2, List.of(held), JobListener.NONE, Clock.systemUTC())),
            new JobStore<>(Duration.ofMinutes(1), 10, Ticker.systemTicker()), Clock.systemUTC());

    final MockMultipartFile image = new MockMultipartFile("image", "a.png", "image/png", new byte[] {1});

    @AfterEach
    void stop() {
        release.countDown();
        scheduler.shutdown(Duration.ofSeconds(2));
    }

    Job<Explanation> runningJob() throws InterruptedException {
        Job<Explanation> job = scheduler.submit("fake", "work", true);
        while (job.status() != JobStatus.RUNNING || job.done() == 0) {
            Thread.sleep(2);
        }
        when(jobs.find(job.id())).thenReturn(Optional.of(job));
        return job;
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        when(jobs.explain(any())).thenThrow(new QueueFullException("fashion-cnn", 4, Duration.ofSeconds(3)));

        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(503))
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(jsonPath("$.type").value("/problems/queue-full"));
        when(jobs.submit(any())).thenThrow(new QueueFullException("fashion-cnn", 4, Duration.ofSeconds(1)));
        mvc.perform(multipart("/v1/jobs").file(image).param("model", "fashion-cnn"))
                .andExpect(status().is(503))
                .andExpect(header().string("Retry-After", "1"));
    }

    @Test
    void shuttingDownIs503() throws Exception {
        when(jobs.explain(any())).thenThrow(new ShuttingDownException());
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(503))
                .andExpect(jsonPath("$.type").value("/problems/shutting-down"));
    }

    @Test
    void aTimeoutIs504AndAnEngineFailure500() throws Exception {
        when(jobs.explain(any())).thenThrow(new JobFailedException(new JobError(JobError.Kind.TIMED_OUT, "too slow")));
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(504))
                .andExpect(jsonPath("$.type").value("/problems/timeout"));

        doThrow(new JobFailedException(new JobError(JobError.Kind.INFERENCE_FAILED, "engine failed")))
                .when(jobs).explain(any());
        mvc.perform(multipart("/v1/models/fashion-cnn/explanations").file(image))
                .andExpect(status().is(500))
                .andExpect(jsonPath("$.type").value("/problems/inference-failed"));
    }

    @Test
    void aRunningJobShowsProgressHasNoResultYetAndCanBeCancelled() throws Exception {
        Job<Explanation> job = runningJob();
        when(jobs.cancel(job)).thenAnswer(call -> scheduler.cancel(job, JobError.cancelledByClient()));
        when(jobs.position(any())).thenReturn(0);

        mvc.perform(get("/v1/jobs/{id}", job.id()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("RUNNING"))
                .andExpect(jsonPath("$.progress.total").value(1000));
        mvc.perform(get("/v1/jobs/{id}/result", job.id()))
                .andExpect(status().is(409))
                .andExpect(jsonPath("$.type").value("/problems/job-not-finished"));

        mvc.perform(delete("/v1/jobs/{id}", job.id())).andExpect(status().is(202));
        job.completion().get(5, TimeUnit.SECONDS);

        mvc.perform(get("/v1/jobs/{id}", job.id()))
                .andExpect(jsonPath("$.status").value("CANCELLED"))
                .andExpect(jsonPath("$.error.type").value("/problems/job-cancelled"));
        mvc.perform(get("/v1/jobs/{id}/result", job.id()))
                .andExpect(status().is(409))
                .andExpect(jsonPath("$.type").value("/problems/job-cancelled"));
    }

    @Test
    void aQueuedJobShowsItsPosition() throws Exception {
        Job<Explanation> running = runningJob();
        Job<Explanation> queued = scheduler.submit("fake", "next", true);
        when(jobs.find(queued.id())).thenReturn(Optional.of(queued));
        when(jobs.position(queued)).thenAnswer(call -> scheduler.position(queued));

        mvc.perform(get("/v1/jobs/{id}", queued.id()))
                .andExpect(jsonPath("$.status").value("QUEUED"))
                .andExpect(jsonPath("$.position").value(1))
                .andExpect(jsonPath("$.links.self").value("/v1/jobs/" + queued.id()));
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
    }
}
