package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import dev.scorecam.CountedForwardPasses;
import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * The answer cache in this process, over HTTP: an identical request is answered with the same
 * bytes and ETag and no forward pass, any changed part of it is computed, a client holding the
 * ETag gets 304, and with the cache off every request is computed. Forward passes are counted
 * where they happen (a listener on the worker's thread).
 */
class AnswerCacheApiTest {

    static final String MODEL = ExplanationApiTest.MODEL;

    static ResponseEntity<byte[]> explain(int port, byte[] image, MediaType accept, Map<String, List<String>> fields,
            String ifNoneMatch) {
        RestClient.RequestBodySpec request = RestClient.create("http://localhost:" + port).post()
                .uri("/v1/models/{model}/explanations", MODEL)
                .contentType(ApiClient.MULTIPART)
                .accept(accept);
        if (ifNoneMatch != null) {
            request.header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        return request.body(Multipart.image(image, MediaType.IMAGE_PNG_VALUE).with(fields).build())
                .retrieve()
                .onStatus(status -> true, (req, response) -> {})
                .toEntity(byte[].class);
    }

    @Nested
    @ServerTest
    @Import(CountedForwardPasses.class)
    class On {

        @Value("${local.server.port}")
        int port;

        @Autowired
        MeterRegistry registry;

        double requests(String outcome) {
            return registry.counter("scorecam.cache.requests", "outcome", outcome).count();
        }

        @Test
        void anIdenticalRequestIsAnsweredFromTheCacheWithTheSameBytesAndNoForwardPass() throws IOException {
            byte[] image = ExplanationApiTest.sample("sneaker.png");
            Map<String, List<String>> fields = Map.of("target", List.of("Sneaker"), "heatmap", List.of("true"));

            ResponseEntity<byte[]> first = explain(port, image, MediaType.APPLICATION_JSON, fields, null);
            long passes = CountedForwardPasses.IMAGES.get();
            double hits = requests("hit");
            ResponseEntity<byte[]> second = explain(port, image, MediaType.APPLICATION_JSON, fields, null);

            assertThat(first.getStatusCode().value()).isEqualTo(200);
            assertThat(passes).isPositive();
            assertThat(second.getStatusCode().value()).isEqualTo(200);
            assertThat(second.getBody()).isEqualTo(first.getBody());
            assertThat(second.getHeaders().getETag()).isEqualTo(first.getHeaders().getETag()).matches("\"[0-9a-f]{64}\"");
            assertThat(second.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertThat(CountedForwardPasses.IMAGES.get()).isEqualTo(passes);
            assertThat(requests("hit")).isEqualTo(hits + 1);
        }

        @Test
        void aPngAnswerKeepsItsTargetHeader() throws IOException {
            byte[] image = ExplanationApiTest.sample("sneaker.png");
            Map<String, List<String>> fields = Map.of("colormap", List.of("viridis"));

            ResponseEntity<byte[]> first = explain(port, image, MediaType.IMAGE_PNG, fields, null);
            long passes = CountedForwardPasses.IMAGES.get();
            ResponseEntity<byte[]> second = explain(port, image, MediaType.IMAGE_PNG, fields, null);

            assertThat(second.getBody()).isEqualTo(first.getBody());
            assertThat(second.getHeaders().getContentType()).isEqualTo(MediaType.IMAGE_PNG);
            assertThat(second.getHeaders().getFirst(ExplanationController.TARGET_HEADER)).isEqualTo("7");
            assertThat(CountedForwardPasses.IMAGES.get()).isEqualTo(passes);
        }

        @Test
        void aChangedTargetParameterFormatOrImageByteIsComputed() throws IOException {
            byte[] image = ExplanationApiTest.sample("sneaker.png");
            Map<String, List<String>> fields = Map.of("target", List.of("7"), "method", List.of("faster-scorecam"),
                    "max-channels", List.of("8"));
            ResponseEntity<byte[]> base = explain(port, image, MediaType.APPLICATION_JSON, fields, null);
            String etag = base.getHeaders().getETag();
            // PNG readers ignore what follows the image's end: the same picture, one byte more
            byte[] oneByteMore = Arrays.copyOf(image, image.length + 1);

            List<Supplier<ResponseEntity<byte[]>>> changes = List.of(
                    () -> explain(port, image, MediaType.APPLICATION_JSON,
                            Map.of("target", List.of("5"), "method", List.of("faster-scorecam"), "max-channels", List.of("8")), null),
                    () -> explain(port, image, MediaType.APPLICATION_JSON,
                            Map.of("target", List.of("7"), "method", List.of("faster-scorecam"), "max-channels", List.of("9")), null),
                    () -> explain(port, image, MediaType.IMAGE_PNG, fields, null),
                    () -> explain(port, oneByteMore, MediaType.APPLICATION_JSON, fields, null));

            List<String> etags = new ArrayList<>(List.of(etag));
            for (Supplier<ResponseEntity<byte[]>> change : changes) {
                long passes = CountedForwardPasses.IMAGES.get();
                ResponseEntity<byte[]> response = change.get();
                assertThat(response.getStatusCode().value()).isEqualTo(200);
                assertThat(CountedForwardPasses.IMAGES.get()).isGreaterThan(passes);
                etags.add(response.getHeaders().getETag());
            }
            assertThat(etags).doesNotHaveDuplicates().doesNotContainNull();
        }

        @Test
        void aClientHoldingTheETagGetsNotModifiedWithNothingComputed() throws IOException {
            byte[] image = ExplanationApiTest.sample("sneaker.png");
            Map<String, List<String>> fields = Map.of("target", List.of("Pullover"));
            String etag = explain(port, image, MediaType.APPLICATION_JSON, fields, null).getHeaders().getETag();
            long passes = CountedForwardPasses.IMAGES.get();

            ResponseEntity<byte[]> again = explain(port, image, MediaType.APPLICATION_JSON, fields, "W/\"x\", " + etag);
            ResponseEntity<byte[]> otherTag = explain(port, image, MediaType.APPLICATION_JSON, fields, "\"0123\"");

            assertThat(again.getStatusCode().value()).isEqualTo(304);
            assertThat(again.getBody()).isNullOrEmpty();
            assertThat(again.getHeaders().getETag()).isEqualTo(etag);
            assertThat(CountedForwardPasses.IMAGES.get()).isEqualTo(passes);
            assertThat(otherTag.getStatusCode().value()).isEqualTo(200);
        }
        @Test
        void aJobsResultCarriesAnETagAndAnswersNotModifiedToItsHolder() throws Exception {
            RestClient client = RestClient.create("http://localhost:" + port);
            String id = ExplanationApiTest.json(client.post().uri("/v1/jobs").contentType(ApiClient.MULTIPART)
                    .body(Multipart.image(ExplanationApiTest.sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                            .field("model", MODEL).build())
                    .retrieve().toEntity(String.class)).get("id").asString();
            for (int i = 0; i < 300 && !ExplanationApiTest.json(client.get().uri("/v1/jobs/" + id).retrieve()
                    .toEntity(String.class)).get("status").asString().equals("SUCCEEDED"); i++) {
                Thread.sleep(100);
            }

            ResponseEntity<byte[]> png = client.get().uri("/v1/jobs/" + id + "/result").accept(MediaType.IMAGE_PNG)
                    .retrieve().toEntity(byte[].class);
            ResponseEntity<byte[]> json = client.get().uri("/v1/jobs/" + id + "/result").accept(MediaType.APPLICATION_JSON)
                    .retrieve().toEntity(byte[].class);
            String etag = png.getHeaders().getETag();
            ResponseEntity<byte[]> held = client.get().uri("/v1/jobs/" + id + "/result").accept(MediaType.IMAGE_PNG)
                    .header(HttpHeaders.IF_NONE_MATCH, etag).retrieve()
                    .onStatus(status -> true, (req, response) -> {}).toEntity(byte[].class);

            assertThat(png.getStatusCode().value()).isEqualTo(200);
            assertThat(etag).matches("\"[0-9a-f]{64}\"").isNotEqualTo(json.getHeaders().getETag());
            assertThat(held.getStatusCode().value()).isEqualTo(304);
            assertThat(held.getBody()).isNullOrEmpty();
        }
    }

    @Nested
    @ServerTest
    @Import(CountedForwardPasses.class)
    @TestPropertySource(properties = "scorecam.cache.enabled=false")
    class Off {

        @Value("${local.server.port}")
        int port;

        @Autowired
        MeterRegistry registry;

        @Test
        void everyRequestIsComputedAndCarriesNoETag() throws IOException {
            byte[] image = ExplanationApiTest.sample("sneaker.png");
            Map<String, List<String>> fields = Map.of("target", List.of("Bag"));

            ResponseEntity<byte[]> first = explain(port, image, MediaType.APPLICATION_JSON, fields, null);
            long passes = CountedForwardPasses.IMAGES.get();
            ResponseEntity<byte[]> second = explain(port, image, MediaType.APPLICATION_JSON, fields, "\"anything\"");

            assertThat(first.getStatusCode().value()).isEqualTo(200);
            assertThat(second.getStatusCode().value()).isEqualTo(200);
            assertThat(second.getHeaders().getETag()).isNull();
            assertThat(CountedForwardPasses.IMAGES.get()).isGreaterThan(passes);
            assertThat(registry.counter("scorecam.cache.requests", "outcome", "hit").count()).isZero();
        }
    }
}
