package dev.scorecam.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.client.RestClient;

/** Calls the running service the way a script would: multipart upload, any status accepted. */
final class ApiClient {

    private final RestClient client;

    ApiClient(int port) {
        this.client = RestClient.create("http://localhost:" + port);
    }

    ResponseEntity<byte[]> explain(String model, byte[] image, MediaType accept, Map<String, List<String>> fields) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        if (image != null) {
            body.part("image", new ByteArrayResource(image) {
                @Override
                public String getFilename() {
                    return "upload.bin";
                }
            }).contentType(MediaType.APPLICATION_OCTET_STREAM);
        }
        fields.forEach((name, values) -> values.forEach(v -> body.part(name, v)));
        return client.post()
                .uri("/v1/models/{model}/explanations", model)
                .contentType(MediaType.MULTIPART_FORM_DATA)
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
