package dev.scorecam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * Builds the CPU image from the Dockerfile (Maven build inside, several minutes the first time),
 * starts it and calls it as a user would. Skipped, saying why, where no Docker engine runs (as on our CI).
 */
@Tag(ServerTest.SLOW)
@EnabledIf(value = "dev.scorecam.deploy.DockerEngine#running", disabledReason = DockerEngine.ABSENT)
@Testcontainers
class ContainerImageIT {

    static final Path SAMPLE = Path.of("samples/sneaker.png");

    @Container
    static final GenericContainer<?> server = new GenericContainer<>(
            new ImageFromDockerfile("scorecam-server-it", true)
                    .withDockerfile(Path.of("Dockerfile"))
                    .withTarget("cpu"))
            .withExposedPorts(8080, 8081)
            // The image puts the actuator on its own port (MANAGEMENT_SERVER_PORT=8081).
            .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(8081).forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(5)));

    private final RestClient client = RestClient.create(
            "http://" + server.getHost() + ":" + server.getMappedPort(8080));
    private final RestClient management = RestClient.create(
            "http://" + server.getHost() + ":" + server.getMappedPort(8081));

    @Test
    void healthGroupsAndMetricsAreUp() {
        assertThat(management.get().uri("/actuator/health/liveness").retrieve().body(String.class)).contains("\"UP\"");
        assertThat(management.get().uri("/actuator/health/readiness").retrieve().body(String.class)).contains("\"UP\"");
        assertThat(management.get().uri("/actuator/prometheus").retrieve().body(String.class)).contains("jvm_memory_used_bytes");
        // ...and not on the API's port.
        assertThat(client.get().uri("/actuator/prometheus").retrieve().onStatus(status -> true, (request, response) -> {})
                .toBodilessEntity().getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void explainsAnImageWithTheBundledDemoModel() throws Exception {
        ResponseEntity<String> response = client.post().uri("/v1/models/fashion-cnn/explanations")
                .contentType(MediaType.parseMediaType(Multipart.contentType()))
                .accept(MediaType.APPLICATION_JSON)
                .body(Multipart.image(sampleImage(), MediaType.IMAGE_PNG_VALUE).build())
                .retrieve()
                .toEntity(String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(response.getBody());
        assertThat(body.has("explanations")).as(response.getBody()).isTrue();
    }

    @Test
    void runsAsTheNonRootUserWithLibtorchExtractedAtBuildTime() throws Exception {
        assertThat(server.execInContainer("id", "-u").getStdout().strip()).isEqualTo("10001");
        assertThat(server.getLogs()).as("DJL found libtorch in the image and extracted nothing at start")
                .doesNotContain("to cache ...");
    }

    /** samples/sneaker.png when the repository has it, else a drawn 28x28 shoe-like shape. */
    private static byte[] sampleImage() throws Exception {
        if (Files.exists(SAMPLE)) {
            return Files.readAllBytes(SAMPLE);
        }
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.LIGHT_GRAY);
        g.fillRoundRect(3, 14, 22, 8, 4, 4);
        g.fillRect(14, 9, 9, 6);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
