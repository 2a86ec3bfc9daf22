package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.jobs.redis.RedisServer;

/**
 * The answer cache in Redis, shared by two instances (application contexts in this JVM) on one
 * real Redis: what one computed, the other answers with the same bytes and ETag, and neither
 * runs a forward pass for it.
 */
@Tag(ServerTest.SLOW)
class SharedAnswerCacheTest {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RedisServer redis;
    private static Node first;
    private static Node second;

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.ownProcess(false);
        String prefix = "cache-" + UUID.randomUUID();
        first = Node.start("all", redis.url(), prefix, Map.of());
        second = Node.start("all", redis.url(), prefix, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        for (Node node : new Node[] {first, second}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    private static HttpResponse<byte[]> explain(Node node, String accept, String ifNoneMatch) throws Exception {
        byte[] body = Multipart.image(Files.readAllBytes(Path.of("samples", "sneaker.png")), "image/png")
                .field("target", "Sneaker").field("heatmap", "true").build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url("/v1/models/fashion-cnn/explanations")))
                .header("Content-Type", Multipart.contentType())
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long passes() {
        return first.passes.images.get() + second.passes.images.get();
    }

    private static double hits(Node node) {
        return node.context.getBean(MeterRegistry.class).counter("scorecam.cache.requests", "outcome", "hit").count();
    }

    @Test
    void whatOneInstanceComputedTheOtherAnswersFromRedisWithNoForwardPass() throws Exception {
        HttpResponse<byte[]> computed = explain(first, "application/json", null);
        long passes = passes();
        double hits = hits(second);

        HttpResponse<byte[]> cached = explain(second, "application/json", null);
        HttpResponse<byte[]> held = explain(second, "application/json", computed.headers().firstValue("ETag").orElseThrow());

        assertThat(computed.statusCode()).isEqualTo(200);
        assertThat(passes).isPositive();
        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(cached.body()).isEqualTo(computed.body());
        assertThat(cached.headers().firstValue("ETag")).isEqualTo(computed.headers().firstValue("ETag"));
        assertThat(held.statusCode()).isEqualTo(304);
        assertThat(held.body()).isEmpty();
        assertThat(passes()).isEqualTo(passes);
        assertThat(hits(second)).isEqualTo(hits + 2);
    }

    @Test
    void anotherFormatIsAnotherAnswer() throws Exception {
        explain(first, "image/png", null);
        long passes = passes();

        HttpResponse<byte[]> npy = explain(second, "application/x-npy", null);

        assertThat(npy.statusCode()).isEqualTo(200);
        assertThat(npy.headers().firstValue("Content-Type")).hasValue("application/x-npy");
        assertThat(passes()).isGreaterThan(passes);
    }
}
