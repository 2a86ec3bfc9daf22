package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing the upload path: valid images of every accepted format, mutated (bit flips,
 * truncation, header bytes overwritten, splices of two files, inserted and repeated runs) and
 * posted to the explanation endpoint. Whatever arrives, the answer is 2xx or 4xx with a body that
 * parses, and the server stays healthy.
 *
 * <p>Seeded, so a failure names a case that reproduces: {@code -Dscorecam.fuzz.seed=N} picks
 * other cases, {@code -Dscorecam.fuzz.tries=N} more of them. Same properties as the other
 * full-stack tests, so it shares their application context.
 */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadFuzzTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<String> FORMATS = List.of("png", "jpeg", "gif", "bmp", "grey-png", "alpha-png");
    static final long SEED = Long.getLong("scorecam.fuzz.seed", 20261126L);
    static final int TRIES = Integer.getInteger("scorecam.fuzz.tries", 200);

    @Value("${local.server.port}")
    int port;

    @AfterAll
    void serverIsHealthyAfterwards() {
        RawHttp http = new RawHttp(port);
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(http.get("/v1/models").statusCode()).isEqualTo(200);
    }

    /** A mutation of one seed image, reproducible from its fields (the test name shows them). */
    record Mutated(String format, Kind kind, long seed, boolean png) {

        enum Kind { BIT_FLIPS, TRUNCATION, HEADER_BYTES, SPLICE, INSERTION, REPETITION }

        byte[] bytes() {
            byte[] image = seedImage(format);
            Random random = new Random(seed);
            return switch (kind) {
                case BIT_FLIPS -> {
                    byte[] flipped = image.clone();
                    for (int i = 1 + random.nextInt(8); i > 0; i--) {
                        flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    yield flipped;
                }
                case TRUNCATION -> Arrays.copyOf(image, random.nextInt(image.length));
                case HEADER_BYTES -> {
                    // Sizes, depths, colour types and marker lengths all live in the first bytes.
                    byte[] patched = image.clone();
                    byte[] extremes = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF};
                    for (int i = 1 + random.nextInt(4); i > 0; i--) {
                        int at = random.nextInt(Math.min(64, patched.length));
                        patched[at] = random.nextBoolean() ? extremes[random.nextInt(extremes.length)] : (byte) random.nextInt();
                    }
                    yield patched;
                }
                case SPLICE -> {
                    byte[] other = seedImage(FORMATS.get(random.nextInt(FORMATS.size())));
                    int cut = random.nextInt(image.length);
                    int from = random.nextInt(other.length);
                    byte[] spliced = Arrays.copyOf(image, cut + other.length - from);
                    System.arraycopy(other, from, spliced, cut, other.length - from);
                    yield spliced;
                }
                case INSERTION -> {
                    byte[] run = new byte[1 + random.nextInt(64)];
                    random.nextBytes(run);
                    yield insert(image, random.nextInt(image.length), run);
                }
                case REPETITION -> {
                    int from = random.nextInt(image.length);
                    int length = 1 + random.nextInt(Math.min(256, image.length - from));
                    yield insert(image, from, Arrays.copyOfRange(image, from, from + length));
                }
            };
        }

        private static byte[] insert(byte[] bytes, int at, byte[] run) {
            byte[] result = new byte[bytes.length + run.length];
            System.arraycopy(bytes, 0, result, 0, at);
            System.arraycopy(run, 0, result, at, run.length);
            System.arraycopy(bytes, at, result, at + run.length, bytes.length - at);
            return result;
        }
    }

    static byte[] seedImage(String format) {
        return switch (format) {
            case "png" -> Uploads.png(48, 40);
            case "jpeg" -> Uploads.jpeg(48, 40);
            case "gif" -> Uploads.animatedGif(48, 40, 2);
            case "bmp" -> Uploads.encode(Uploads.picture(48, 40, BufferedImage.TYPE_INT_RGB), "bmp");
            case "grey-png" -> Uploads.encode(Uploads.picture(48, 40, BufferedImage.TYPE_BYTE_GRAY), "png");
            case "alpha-png" -> Uploads.encode(Uploads.picture(48, 40, BufferedImage.TYPE_INT_ARGB), "png");
            default -> throw new IllegalArgumentException(format);
        };
    }

    static Stream<Mutated> mutatedUploads() {
        Random random = new Random(SEED);
        Mutated.Kind[] kinds = Mutated.Kind.values();
        return IntStream.range(0, TRIES).mapToObj(i -> new Mutated(
                FORMATS.get(random.nextInt(FORMATS.size())), kinds[random.nextInt(kinds.length)], random.nextLong(),
                random.nextBoolean()));
    }

    @ParameterizedTest
    @MethodSource("mutatedUploads")
    void mutatedUploadsGetAnAnswerNeverAFailure(Mutated upload) throws IOException {
        byte[] body = Multipart.image(upload.bytes(), "application/octet-stream")
                .with(Map.of("heatmap", List.of("true")))
                .build();
        HttpResponse<byte[]> response = new RawHttp(port).post("/v1/models/fashion-cnn/explanations", Multipart.contentType(), body,
                Map.of("Accept", upload.png() ? "image/png" : "application/json"));

        int status = response.statusCode();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertThat(status).as(upload + ": " + new String(response.body(), StandardCharsets.UTF_8)).isBetween(200, 499);
        if (status >= 400) {
            assertThat(contentType).isEqualTo("application/problem+json");
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asString()).startsWith("/problems/");
            assertThat(problem.get("status").asInt()).isEqualTo(status);
        } else if (upload.png()) {
            assertThat(contentType).isEqualTo("image/png");
            assertThat(ImageIO.read(new ByteArrayInputStream(response.body()))).isNotNull();
        } else {
            assertThat(contentType).isEqualTo("application/json");
            assertThat(JSON.readTree(response.body()).get("explanations").size()).isEqualTo(1);
        }
    }
}
