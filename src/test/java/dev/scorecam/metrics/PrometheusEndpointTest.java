package dev.scorecam.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * After one explanation, every metric an operator needs is in /actuator/prometheus, with the
 * Prometheus names and only fixed-set tags. Same properties as the other full-stack tests.
 */
@ServerTest
class PrometheusEndpointTest {

    static final String MODEL = "fashion-cnn";
    private static final AtomicInteger PICTURES = new AtomicInteger();

    @Value("${local.server.port}")
    int port;

    RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }

    String scrape() {
        return client().get().uri("/actuator/prometheus").retrieve().body(String.class);
    }

    @Test
    void everyMetricAppearsAfterARequest() throws IOException {
        double passesBefore = value(scrape(), "scorecam_forward_passes_total\\{model=\"" + MODEL + "\"}");

        JsonNode explanation = explain();

        String metrics = scrape();
        assertThat(metrics)
                .containsPattern("scorecam_jobs_total\\{method=\"scorecam\",model=\"" + MODEL + "\",outcome=\"succeeded\"} [1-9]")
                .contains("scorecam_queue_size{model=\"" + MODEL + "\"}")
                .contains("scorecam_queue_capacity{model=\"" + MODEL + "\"}")
                .containsPattern("scorecam_queue_wait_seconds_count\\{model=\"" + MODEL + "\"} [1-9]")
                .contains("scorecam_queue_wait_seconds_bucket{model=\"" + MODEL + "\",le=")
                .containsPattern("scorecam_compute_seconds_count\\{method=\"scorecam\",model=\"" + MODEL + "\"} [1-9]")
                .contains("scorecam_compute_seconds_bucket{method=\"scorecam\",model=\"" + MODEL + "\",le=")
                .containsPattern("scorecam_forward_batch_images_count\\{model=\"" + MODEL + "\"} [1-9]")
                .contains("scorecam_forward_batch_images_max{model=\"" + MODEL + "\"}")
                .contains("scorecam_pool_busy{model=\"" + MODEL + "\"}")
                .contains("scorecam_pool_workers{model=\"" + MODEL + "\"} 1")
                .containsPattern("scorecam_model_load_seconds_count\\{device=\"cpu\\(\\)\",model=\"" + MODEL + "\"} 1")
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\"/v1/models/\\{model}/explanations\"")
                .containsPattern("scorecam_cache_requests_total\\{outcome=\"miss\"} [1-9]")
                .contains("scorecam_cache_requests_total{outcome=\"hit\"}");

        // Every pass the response reports, and no other, was counted.
        double passes = value(metrics, "scorecam_forward_passes_total\\{model=\"" + MODEL + "\"}");
        assertThat(passes - passesBefore).isEqualTo(explanation.get("stats").get("forwardPasses").asDouble());
    }

    /** Prometheus 2.42 (Debian bookworm's) refuses a whole OpenMetrics scrape with an exemplar on a summary. */
    @Test
    void anOpenMetricsScrapeAfterTracedRequestsCarriesNoExemplars() throws IOException {
        explain();
        String openMetrics = client().get().uri("/actuator/prometheus")
                .header("Accept", "application/openmetrics-text;version=1.0.0").retrieve().body(String.class);

        assertThat(openMetrics).contains("scorecam_forward_passes_total", "# EOF");
        assertThat(openMetrics.lines().filter(line -> line.contains(" # {")).toList()).isEmpty();
    }

    @Test
    void tagsComeFromFixedSetsOnly() throws IOException {
        explain();
        for (String line : scrape().lines().filter(l -> l.startsWith("scorecam_")).toList()) {
            Matcher tags = Pattern.compile("(\\w+)=\"").matcher(line);
            while (tags.find()) {
                assertThat(tags.group(1)).as(line).isIn("model", "method", "outcome", "device", "reason", "le", "quantile");
            }
        }
    }

    private JsonNode explain() throws IOException {
        byte[] body = Multipart.image(png(), "image/png").build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/models/" + MODEL + "/explanations"))
                .header("Content-Type", Multipart.contentType())
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return JsonMapper.builder().build().readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A picture of its own at each call: the answer cache answers a repeated one without computing. */
    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.LIGHT_GRAY);
        g.fillOval(10, 8, 28, 24);
        g.setColor(new Color(PICTURES.incrementAndGet()));
        g.fillRect(0, 0, 1, 1);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static double value(String metrics, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
