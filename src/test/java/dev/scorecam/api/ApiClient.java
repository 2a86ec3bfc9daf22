package dev.scorecam.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import dev.scorecam.Multipart;

/** Calls the running service the way a script would: multipart upload, any status accepted. */
final class ApiClient {

    /** What the tests' {@link Multipart} bodies are sent as. */
    static final MediaType MULTIPART = MediaType.parseMediaType(Multipart.contentType());

    private final RestClient client;

    ApiClient(int port) {
        this.client = RestClient.create("http://localhost:" + port);
    }

    ResponseEntity<byte[]> explain(String model, byte[] image, MediaType accept, Map<String, List<String>> fields) {
        Multipart body = image == null ? Multipart.fields(fields)
                : Multipart.image(image, MediaType.APPLICATION_OCTET_STREAM_VALUE).with(fields);
        return client.post()
                .uri("/v1/models/{model}/explanations", model)
                .contentType(MULTIPART)
                .accept(accept)
                .body(body.build())
                .retrieve()
                .onStatus(status -> true, (request, response) -> {})
                .toEntity(byte[].class);
    }

    ResponseEntity<String> get(String path) {
        return client.get().uri(path).retrieve().onStatus(status -> true, (request, response) -> {})
                .toEntity(String.class);
    }

    static float[] decodeFloats(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
