package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.scorecam.cam.Progress;
import dev.scorecam.explain.Explainer;

/**
 * Synchronous requests that outlive {@code scorecam.request-timeout}, whether their job is still
 * queued or already running: each answers 504 {@code /problems/timeout}, never 500, and each job
 * is cancelled and counted as a timeout once its worker stops.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "scorecam.request-timeout=400ms")
class SynchronousTimeoutTest {

    static final String MODEL = ExplanationApiTest.MODEL;
    static final int REQUESTS = 3;
    static final int BATCHES = 500;

    @Value("${local.server.port}")
    int port;

    @Autowired
    MeterRegistry registry;

    /** The engine made slow: 20 ms batches, reporting progress (where a cancelled job stops). */
    @MockitoSpyBean
    Explainer explainer;

    @Test
    void everyTimedOutRequestIs504AndItsJobIsCancelledAsATimeout() throws Exception {
        doAnswer(call -> {
            Progress progress = call.getArgument(1);
            for (int done = 1; done <= BATCHES; done++) {
                Thread.sleep(20);
                progress.maskedInputsScored(done, BATCHES);
            }
            throw new AssertionError("a timed-out job ran to its end");
        }).when(explainer).compute(any(), any(), any());
        double timeoutsBefore = jobs("timeout");
        byte[] image = ExplanationApiTest.sample("sneaker.png");

        ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
        List<Future<ResponseEntity<byte[]>>> responses = new ArrayList<>();
        try {
            for (int i = 0; i < REQUESTS; i++) {
                responses.add(clients.submit(
                        () -> new ApiClient(port).explain(MODEL, image, MediaType.APPLICATION_JSON, Map.of())));
            }
            for (Future<ResponseEntity<byte[]>> response : responses) {
                ResponseEntity<byte[]> answer = response.get(30, TimeUnit.SECONDS);
                assertThat(answer.getStatusCode().value()).as(new String(answer.getBody())).isEqualTo(504);
                assertThat(ExplanationApiTest.json(answer).get("type").asString()).isEqualTo("/problems/timeout");
            }
        } finally {
            clients.shutdownNow();
        }

        // The running job stops at its next 20 ms batch; then all three are counted, as timeouts.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs("timeout") - timeoutsBefore < REQUESTS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(jobs("timeout") - timeoutsBefore).isEqualTo(REQUESTS);
        assertThat(jobs("failed") + jobs("cancelled") + jobs("succeeded")).isZero();
    }

    double jobs(String outcome) {
        Counter counter = registry.find("scorecam.jobs").tags("model", MODEL, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
