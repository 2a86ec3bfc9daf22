package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.problem.ProblemType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real errors from the running server are the contract's examples, word for word: each request
 * below is the one named beside its example in {@link ProblemExamples}, and its problem has the
 * catalogue's type, title and status and the example's detail, which the committed openapi.yaml holds. Same
 * properties as {@link OpenApiContractTest}, so both share one application context.
 */
@ServerTest
class ProblemExamplesOverHttpTest {

    static final String EXPLAIN = "/v1/models/fashion-cnn/explanations";

    @Value("${local.server.port}")
    int port;

    static Stream<Arguments> requests() {
        byte[] png = Uploads.png(32, 32);
        byte[] corruptPngHeader = png.clone();
        corruptPngHeader[24] = 3; // IHDR bit depth 3 does not exist
        return Stream.of(
                sample(ProblemType.INVALID_REQUEST, http -> upload(http, EXPLAIN, Multipart.fields(Map.of("top-k", List.of("1"))))),
                sample(ProblemType.INVALID_PARAMETER, http -> upload(http, EXPLAIN, image(png).with(Map.of("alpha", List.of("2"))))),
                sample(ProblemType.INVALID_IMAGE, http -> upload(http, EXPLAIN, image(corruptPngHeader))),
                sample(ProblemType.UNKNOWN_METHOD, http -> upload(http, EXPLAIN, image(png).with(Map.of("method", List.of("lime"))))),
                sample(ProblemType.UNKNOWN_TARGET, http -> upload(http, EXPLAIN, image(png).with(Map.of("target", List.of("Giraffe"))))),
                sample(ProblemType.TOO_MANY_TARGETS, http -> upload(http, EXPLAIN, image(png).with(
                        Map.of("target", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"))))),
                sample(ProblemType.UNKNOWN_MODEL, http -> upload(http, "/v1/models/resnet/explanations", image(png))),
                sample(ProblemType.UNKNOWN_JOB, http -> http.get("/v1/jobs/" + ProblemExamples.JOB)),
                sample(ProblemType.NOT_FOUND, http -> http.get("/v1/model")),
                sample(ProblemType.METHOD_NOT_ALLOWED, http -> http.get(EXPLAIN)),
                sample(ProblemType.NOT_ACCEPTABLE, http -> http.post(EXPLAIN, Multipart.contentType(), image(png).build(),
                        Map.of("Accept", "text/html"))),
                sample(ProblemType.UPLOAD_TOO_LARGE, http -> upload(http, EXPLAIN, image(new byte[400 * 1024]))),
                sample(ProblemType.IMAGE_TOO_LARGE, http -> upload(http, EXPLAIN, image(Uploads.withPngSize(png, 100_000, 100_000)))),
                sample(ProblemType.UNSUPPORTED_IMAGE, http -> upload(http, EXPLAIN,
                        image("%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.US_ASCII)))),
                sample(ProblemType.UNSUPPORTED_MEDIA_TYPE, http -> http.post(EXPLAIN, "application/json",
                        "{\"image\":\"aGVsbG8=\"}".getBytes(StandardCharsets.UTF_8), Map.of())));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void theServerAnswersWithTheDocumentedExample(ProblemType type, Function<RawHttp, HttpResponse<byte[]>> request)
            throws IOException {
        HttpResponse<byte[]> response = request.apply(new RawHttp(port));
        String body = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode problem = JsonMapper.builder().build().readTree(body);

        assertThat(response.statusCode()).as(body).isEqualTo(type.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ApiDocumentation.PROBLEM_JSON);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/" + type.slug());
        assertThat(problem.get("title").asString()).isEqualTo(type.title());
        assertThat(problem.get("status").asInt()).isEqualTo(type.status());
        // ProblemCatalogueTest: the contract's example has this detail (every type's but method-not-allowed)
        assertThat(problem.get("detail").asString()).isEqualTo(ProblemExamples.of(type).getDetail());
    }

    private static Arguments sample(ProblemType type, Function<RawHttp, HttpResponse<byte[]>> request) {
        return Arguments.of(type, Named.of(type.slug(), request));
    }

    private static Multipart image(byte[] bytes) {
        return Multipart.image(bytes, "application/octet-stream");
    }

    private static HttpResponse<byte[]> upload(RawHttp http, String path, Multipart body) {
        return http.post(path, Multipart.contentType(), body.build(), Map.of("Accept", "application/json"));
    }
}
