package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.imaging.TestImages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-upload corpus: every request a client can get wrong ends in a problem detail with a
 * stable type and a 4xx status, never a 5xx or a hang; and the images users really have are
 * accepted. Same properties as {@link ExplanationApiTest}, so both share one application context.
 */
@ServerTest
class HostileInputTest {

    static final String MODEL = "fashion-cnn";
    static final String EXPLAIN = "/v1/models/" + MODEL + "/explanations";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String JSON_ACCEPT = "application/json";

    @Value("${local.server.port}")
    int port;

    /** A request and the problem it must give. */
    record Hostile(String path, String contentType, byte[] body, Map<String, String> headers, int status, String type) {

        static Hostile upload(byte[] image, int status, String type) {
            return upload(image, "application/octet-stream", Map.of(), status, type);
        }

        static Hostile upload(byte[] image, String partType, Map<String, List<String>> fields, int status, String type) {
            byte[] body = image == null ? Multipart.fields(fields).build()
                    : Multipart.image(image, partType).with(fields).build();
            return new Hostile(EXPLAIN, Multipart.contentType(), body, Map.of("Accept", JSON_ACCEPT), status, type);
        }

        static Hostile fields(Map<String, List<String>> fields, int status, String type) {
            return upload(Uploads.png(32, 32), "image/png", fields, status, type);
        }
    }

    static Stream<Arguments> hostile() {
        byte[] png = Uploads.png(64, 48);
        byte[] jpeg = Uploads.jpeg(64, 48);
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        byte[] corruptPngHeader = png.clone();
        corruptPngHeader[24] = 3; // IHDR bit depth 3 does not exist; CRC left wrong
        byte[] corruptJpegHeader = jpeg.clone();
        for (int i = 2; i < 40; i++) {
            corruptJpegHeader[i] = (byte) 0xFF;
        }
        byte[] webp = TestImages.fixture("lossy.webp");
        byte[] animatedWebp = TestImages.fixture("animated.webp");
        byte[] tiff = TestImages.fixture("rgb-lzw.tiff");
        byte[] tenTargetsAndOne = Multipart.image(png, "image/png")
                .with(Map.of("target", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"))).build();
        return Stream.of(
                // The image part
                named("empty image part", Hostile.upload(new byte[0], 400, "invalid-image")),
                named("missing image part", Hostile.upload(null, null, Map.of("top-k", List.of("1")), 400, "invalid-request")),
                named("image sent as a text field", new Hostile(EXPLAIN, Multipart.contentType(),
                        Multipart.fields(Map.of("image", List.of("not a file"))).build(), Map.of(), 400, "invalid-request")),
                named("text", Hostile.upload("hello, world\n".getBytes(StandardCharsets.UTF_8), 415, "unsupported-image")),
                named("PDF", Hostile.upload("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
                        .getBytes(StandardCharsets.US_ASCII), 415, "unsupported-image")),
                named("SVG", Hostile.upload(("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                        + "<rect width=\"10\" height=\"10\"/></svg>").getBytes(StandardCharsets.UTF_8), "image/svg+xml",
                        Map.of(), 415, "unsupported-image")),
                named("random bytes", Hostile.upload(noise, 415, "unsupported-image")),
                named("PNG signature only", Hostile.upload(Uploads.truncated(png, 8), 400, "invalid-image")),
                named("truncated PNG", Hostile.upload(Uploads.truncated(png, png.length / 2), 400, "invalid-image")),
                named("truncated JPEG", Hostile.upload(Uploads.truncated(jpeg, jpeg.length / 2), 400, "invalid-image")),
                named("JPEG SOI only", Hostile.upload(Uploads.truncated(jpeg, 3), 400, "invalid-image")),
                named("corrupt PNG header", Hostile.upload(corruptPngHeader, 400, "invalid-image")),
                named("corrupt JPEG header", Hostile.upload(corruptJpegHeader, 400, "invalid-image")),
                named("PNG of zero width", Hostile.upload(Uploads.withPngSize(png, 0, 48), 400, "invalid-image")),
                named("PNG bomb: 100000x100000 in the header",
                        Hostile.upload(Uploads.withPngSize(png, 100_000, 100_000), 413, "image-too-large")),
                named("JPEG bomb: 65500x65500 in the header",
                        Hostile.upload(Uploads.withJpegSize(jpeg, 65_500, 65_500), 413, "image-too-large")),
                named("PNG whose header lies about a small size",
                        Hostile.upload(Uploads.withPngSize(png, 4000, 3000), 400, "invalid-image")),
                named("upload over the size limit", Hostile.upload(new byte[400 * 1024], 413, "upload-too-large")),
                // WebP and TIFF (tools/make_image_fixtures.sh): cut short, or 7000x7000 in a few kilobytes
                named("truncated WebP", Hostile.upload(Uploads.truncated(webp, webp.length / 2), 400, "invalid-image")),
                named("truncated animated WebP, inside its first frame",
                        Hostile.upload(Uploads.truncated(animatedWebp, animatedWebp.length / 4), 400, "invalid-image")),
                named("WebP RIFF header only", Hostile.upload(Uploads.truncated(webp, 12), 400, "invalid-image")),
                named("truncated TIFF", Hostile.upload(Uploads.truncated(tiff, tiff.length / 2), 400, "invalid-image")),
                named("TIFF header only", Hostile.upload(Uploads.truncated(tiff, 8), 400, "invalid-image")),
                named("WebP bomb: 7000x7000", Hostile.upload(TestImages.fixture("huge.webp"), 413, "image-too-large")),
                named("TIFF bomb: 7000x7000", Hostile.upload(TestImages.fixture("huge.tiff"), 413, "image-too-large")),
                named("a RIFF that is not WebP (WAVE)", Hostile.upload("RIFF\u0024\0\0\0WAVEfmt \u0010\0\0\0"
                        .getBytes(StandardCharsets.ISO_8859_1), 415, "unsupported-image")),
                // The request as a whole
                named("multipart without a boundary", new Hostile(EXPLAIN, "multipart/form-data",
                        Multipart.image(png, "image/png").build(), Map.of(), 400, "invalid-request")),
                named("multipart with another boundary", new Hostile(EXPLAIN, "multipart/form-data; boundary=other",
                        Multipart.image(png, "image/png").build(), Map.of(), 400, "invalid-request")),
                named("multipart cut off mid-part", new Hostile(EXPLAIN, Multipart.contentType(),
                        Uploads.truncated(Multipart.image(png, "image/png").build(), png.length / 2),
                        Map.of(), 400, "invalid-request")),
                named("multipart without its closing delimiter", new Hostile(EXPLAIN, Multipart.contentType(),
                        Multipart.image(png, "image/png").unterminated(), Map.of(), 400, "invalid-request")),
                named("garbage declared as multipart", new Hostile(EXPLAIN, Multipart.contentType(), noise,
                        Map.of(), 400, "invalid-request")),
                named("JSON body", new Hostile(EXPLAIN, "application/json",
                        "{\"image\":\"aGVsbG8=\"}".getBytes(StandardCharsets.UTF_8), Map.of(), 415, "unsupported-media-type")),
                named("image bytes posted raw", new Hostile(EXPLAIN, "image/png", png, Map.of(), 415, "unsupported-media-type")),
                named("no content type", new Hostile(EXPLAIN, null, png, Map.of(), 415, "unsupported-media-type")),
                named("an Accept the API cannot give", new Hostile(EXPLAIN, Multipart.contentType(),
                        Multipart.image(png, "image/png").build(), Map.of("Accept", "text/html"), 406, "not-acceptable")),
                // What is asked for
                named("unknown model", new Hostile("/v1/models/no-such-model/explanations", Multipart.contentType(),
                        Multipart.image(png, "image/png").build(), Map.of(), 404, "unknown-model")),
                named("model name with odd characters", new Hostile("/v1/models/%3Cscript%3E%20%27x/explanations",
                        Multipart.contentType(), Multipart.image(png, "image/png").build(), Map.of(), 404, "unknown-model")),
                named("unknown method", Hostile.fields(Map.of("method", List.of("lime")), 400, "unknown-method")),
                named("unknown target label", Hostile.fields(Map.of("target", List.of("Giraffe")), 400, "unknown-target")),
                named("target index out of range", Hostile.fields(Map.of("target", List.of("10")), 400, "unknown-target")),
                named("negative target", Hostile.fields(Map.of("target", List.of("-1")), 400, "unknown-target")),
                named("huge target index", Hostile.fields(Map.of("target", List.of("99999999999999999999")), 400,
                        "unknown-target")),
                named("too many targets", new Hostile(EXPLAIN, Multipart.contentType(), tenTargetsAndOne, Map.of(),
                        400, "too-many-targets")),
                named("top-k over the limit", Hostile.fields(Map.of("top-k", List.of("11")), 400, "too-many-targets")),
                named("top-k zero", Hostile.fields(Map.of("top-k", List.of("0")), 400, "invalid-parameter")),
                named("top-k not a number", Hostile.fields(Map.of("top-k", List.of("many")), 400, "invalid-parameter")),
                named("target and top-k", Hostile.fields(Map.of("target", List.of("1"), "top-k", List.of("2")), 400,
                        "invalid-parameter")),
                named("batch size zero", Hostile.fields(Map.of("batch-size", List.of("0")), 400, "invalid-parameter")),
                named("batch size over the limit", Hostile.fields(Map.of("batch-size", List.of("100000")), 400,
                        "invalid-parameter")),
                named("unknown score", Hostile.fields(Map.of("score", List.of("odds")), 400, "invalid-parameter")),
                named("unknown colormap", Hostile.fields(Map.of("colormap", List.of("rainbow-unicorn")), 400,
                        "invalid-parameter")),
                named("alpha NaN", Hostile.fields(Map.of("alpha", List.of("NaN")), 400, "invalid-parameter")),
                named("overlay not a boolean", Hostile.fields(Map.of("overlay", List.of("perhaps")), 400,
                        "invalid-parameter")));
    }

    private static Arguments named(String name, Hostile hostile) {
        return Arguments.of(Named.of(name, hostile));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileRequestsGetAStableProblem(Hostile hostile) {
        HttpResponse<byte[]> response = http().post(hostile.path(), hostile.contentType(), hostile.body(), hostile.headers());
        assertProblem(response, hostile.status(), hostile.type());
        assertThat(http().get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongHttpMethodIsAProblemToo() {
        assertProblem(http().get(EXPLAIN), 405, "method-not-allowed");
        assertProblem(http().get("/v1/no-such-thing"), 404, "not-found");
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(Named.of("grey PNG", Uploads.encode(Uploads.picture(40, 30, BufferedImage.TYPE_BYTE_GRAY), "png")),
                        "image/png", 40, 30),
                Arguments.of(Named.of("16-bit grey PNG", Uploads.png16BitGrey(40, 30)), "image/png", 40, 30),
                Arguments.of(Named.of("palette PNG", Uploads.encode(Uploads.picture(40, 30, BufferedImage.TYPE_BYTE_INDEXED), "png")),
                        "image/png", 40, 30),
                Arguments.of(Named.of("PNG with alpha", Uploads.encode(Uploads.picture(40, 30, BufferedImage.TYPE_INT_ARGB), "png")),
                        "image/png", 40, 30),
                Arguments.of(Named.of("CMYK JPEG", Uploads.cmykJpeg(40, 30)), "image/jpeg", 40, 30),
                Arguments.of(Named.of("BMP", Uploads.encode(Uploads.picture(40, 30, BufferedImage.TYPE_INT_RGB), "bmp")),
                        "image/bmp", 40, 30),
                Arguments.of(Named.of("animated GIF", Uploads.animatedGif(40, 30, 3)), "image/gif", 40, 30),
                Arguments.of(Named.of("lossy WebP", TestImages.fixture("lossy.webp")), "image/webp", 40, 30),
                Arguments.of(Named.of("lossless WebP with alpha", TestImages.fixture("lossless-alpha.webp")), "image/webp", 40, 30),
                Arguments.of(Named.of("animated WebP", TestImages.fixture("animated.webp")), "image/webp", 40, 30),
                Arguments.of(Named.of("LZW TIFF", TestImages.fixture("rgb-lzw.tiff")), "image/tiff", 40, 30),
                Arguments.of(Named.of("CMYK TIFF", TestImages.fixture("cmyk.tiff")), "image/tiff", 40, 30),
                Arguments.of(Named.of("16-bit grey TIFF", TestImages.fixture("grey16.tiff")), "image/tiff", 40, 30),
                Arguments.of(Named.of("TIFF of two pages", TestImages.fixture("two-pages.tiff")), "image/tiff", 40, 30),
                // Orientation 6: stored landscape, shown portrait; the heatmap follows what people see.
                Arguments.of(Named.of("EXIF-rotated JPEG", Uploads.withExifOrientation(Uploads.jpeg(40, 30), 6)),
                        "image/jpeg", 30, 40),
                Arguments.of(Named.of("1x1 PNG", Uploads.png(1, 1)), "image/png", 1, 1),
                Arguments.of(Named.of("1x1 JPEG", Uploads.jpeg(1, 1)), "image/jpeg", 1, 1),
                Arguments.of(Named.of("very wide PNG", Uploads.png(4000, 1)), "image/png", 4000, 1),
                Arguments.of(Named.of("PNG sent as image/jpeg", Uploads.png(40, 30)), "image/jpeg", 40, 30),
                Arguments.of(Named.of("PNG sent as application/octet-stream", Uploads.png(40, 30)),
                        "application/octet-stream", 40, 30),
                Arguments.of(Named.of("PNG sent without a part content type", Uploads.png(40, 30)), null, 40, 30));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void imagesUsersReallyHaveAreExplained(byte[] image, String partType, int width, int height) throws IOException {
        byte[] body = Multipart.image(image, partType).build();
        HttpResponse<byte[]> response = http().post(EXPLAIN, Multipart.contentType(), body, Map.of("Accept", "image/png"));

        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage heatmap = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(heatmap.getWidth()).isEqualTo(width);
        assertThat(heatmap.getHeight()).isEqualTo(height);
    }

    RawHttp http() {
        return new RawHttp(port);
    }

    static void assertProblem(HttpResponse<byte[]> response, int status, String type) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).as(body).isEqualTo("/problems/" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception").doesNotContain("dev.scorecam");
    }
}
