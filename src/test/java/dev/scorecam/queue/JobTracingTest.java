package dev.scorecam.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * One trace through the in-memory queue: the worker's job span is in the trace of the request
 * that queued it (a client's {@code traceparent} included), here for a synchronous request,
 * with an event per scored batch. The spans are kept in memory instead of sent.
 */
@ServerTest
@Import(JobTracingTest.KeptSpans.class)
@TestPropertySource(properties = {"management.opentelemetry.tracing.export.schedule-delay=50ms",
        "scorecam.cache.enabled=false"})
class JobTracingTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @TestConfiguration(proxyBeanMethods = false)
    static class KeptSpans {

        @Bean
        SpanExporter keptSpans() {
            return SPANS;
        }
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void aSynchronousRequestsJobSpanIsInTheTraceTheClientNamed() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        RestClient.create("http://localhost:" + port).post().uri("/v1/models/fashion-cnn/explanations")
                .contentType(MediaType.parseMediaType(Multipart.contentType()))
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .body(Multipart.image(Files.readAllBytes(Path.of("samples", "sneaker.png")), "image/png").build())
                .retrieve().toBodilessEntity();

        SpanData request = await(span -> span.getTraceId().equals(traceId) && span.getKind() == SpanKind.SERVER);
        SpanData job = await(span -> span.getTraceId().equals(traceId) && span.getName().equals(JobTracing.SPAN));

        assertThat(request.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(job.getParentSpanId()).isNotEqualTo("0000000000000000");
        assertThat(job.getEvents()).isNotEmpty();
        assertThat(job.getEvents().get(job.getEvents().size() - 1).getName()).matches("scored (\\d+) of \\1");
        assertThat(job.getStartEpochNanos()).isGreaterThanOrEqualTo(request.getStartEpochNanos());
        assertThat(job.getEndEpochNanos()).isLessThanOrEqualTo(request.getEndEpochNanos());
    }

    private static SpanData await(Predicate<SpanData> matching) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> found = SPANS.getFinishedSpanItems().stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such span among " + SPANS.getFinishedSpanItems().stream()
                .map(span -> span.getKind() + " " + span.getName()).toList());
    }
}
