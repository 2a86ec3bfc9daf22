package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.SlowDevice;

/**
 * A progressive job over HTTP: its {@code partial} events, the last of which is the exact map,
 * and the raw map as {@code .npy}. Forward passes are slowed down ({@link SlowDevice}) so that the
 * event stream is open before the job ends.
 */
@ServerTest
@Import(SlowDevice.class)
@TestPropertySource(properties = "scorecam.queue.capacity=1") // as WebPageTest's: one application context for both
class ProgressiveJobApiTest {

    static final int BATCH = 4;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Value("${local.server.port}")
    int port;

    private RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }

    private String submit(boolean progressive) throws Exception {
        Multipart body = Multipart.image(ExplanationApiTest.sample("sneaker.png"), MediaType.IMAGE_PNG_VALUE)
                .field("model", ExplanationApiTest.MODEL)
                .field("batch-size", Integer.toString(BATCH));
        if (progressive) {
            body.field("progressive", "true");
        }
        ResponseEntity<String> submitted = client().post().uri("/v1/jobs").contentType(ApiClient.MULTIPART)
                .body(body.build()).retrieve().toEntity(String.class);
        return JSON.readTree(submitted.getBody()).get("id").asString();
    }

    /** The job's events as (name, data) until the stream ends. */
    private List<String[]> events(String id) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs/" + id + "/events"))
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String[]> events = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
            if (name != null) {
                events.add(new String[] {name, data.toString()});
            }
        }
        return events;
    }

    private float[] resultMap(String id) {
        JsonNode result = JSON.readTree(client().get().uri("/v1/jobs/{id}/result", id).retrieve().body(String.class));
        return ApiClient.decodeFloats(result.get("explanations").get(0).get("saliency").get("data").asString());
    }

    @Test
    void aProgressiveJobSendsPartialMapsAndTheLastIsTheExactMap() throws Exception {
        String id = submit(true);
        List<String[]> events = events(id);

        List<JsonNode> partials = events.stream().filter(e -> e[0].equals("partial")).map(e -> JSON.readTree(e[1])).toList();
        assertThat(partials).as("partial events (one per batch, those after the stream opened)").hasSizeGreaterThan(1);
        JsonNode last = partials.get(partials.size() - 1);
        for (JsonNode partial : partials) {
            assertThat(partial.get("target").get("index").asInt()).isEqualTo(7);
            assertThat(partial.get("target").get("label").asString()).isEqualTo("Sneaker");
            assertThat(partial.get("width").asInt()).isEqualTo(96);
            assertThat(partial.get("height").asInt()).isEqualTo(96);
            assertThat(partial.get("total").asInt()).isEqualTo(last.get("total").asInt());
            float[] map = ApiClient.decodeFloats(partial.get("data").asString());
            assertThat(map).hasSize(96 * 96);
            for (float v : map) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
        assertThat(partials).extracting(p -> p.get("done").asInt()).isSorted().doesNotHaveDuplicates();
        assertThat(last.get("done").asInt()).isEqualTo(last.get("total").asInt());
        // Every partial follows its batch's progress event; the stream ends with the final status.
        int firstPartial = events.indexOf(events.stream().filter(e -> e[0].equals("partial")).findFirst().orElseThrow());
        assertThat(events.get(firstPartial - 1)[0]).isEqualTo("progress");
        assertThat(events.get(events.size() - 1)[0]).isEqualTo("status");
        assertThat(events.get(events.size() - 1)[1]).contains("\"status\":\"SUCCEEDED\"");

        float[] exact = resultMap(id);
        assertThat(ApiClient.decodeFloats(last.get("data").asString())).isEqualTo(exact);
        float[] first = ApiClient.decodeFloats(partials.get(0).get("data").asString());
        assertThat(first).isNotEqualTo(exact);
    }

    @Test
    void aPlainJobSendsNoPartialEvents() throws Exception {
        String id = submit(false);
        assertThat(events(id)).extracting(e -> e[0]).doesNotContain("partial").contains("status");
    }

    @Test
    void theResultAsNpyIsTheJsonMapInNumpysFormat() throws Exception {
        String id = submit(false);
        events(id); // until it ends
        float[] exact = resultMap(id);

        ResponseEntity<byte[]> npy = client().get().uri("/v1/jobs/{id}/result", id)
                .accept(MediaType.parseMediaType("application/x-npy")).retrieve().toEntity(byte[].class);

        assertThat(npy.getHeaders().getContentType()).hasToString("application/x-npy");
        assertThat(npy.getHeaders().getFirst(ExplanationController.TARGET_HEADER)).isEqualTo("7");
        ByteBuffer file = ByteBuffer.wrap(npy.getBody()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        file.get(magic);
        assertThat(magic).containsExactly(0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
        int headerLength = Short.toUnsignedInt(file.getShort());
        byte[] header = new byte[headerLength];
        file.get(header);
        String dict = new String(header, StandardCharsets.US_ASCII);
        // The layout the NumPy format (version 1.0) asks for: the data 64-byte aligned, the header ending in a newline.
        assertThat((10 + headerLength) % 64).isZero();
        assertThat(dict).endsWith("\n")
                .contains("'descr': '<f4'", "'fortran_order': False", "'shape': (96, 96)");
        float[] values = new float[file.remaining() / Float.BYTES];
        file.asFloatBuffer().get(values);
        assertThat(values).isEqualTo(exact);
    }
}
