package dev.scorecam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * The CPU image built from the Dockerfile (tools/containers/build-local.sh), started as the Helm
 * chart runs it (non-root, read-only root filesystem, only /tmp writable, no capabilities) and called
 * as a user would. Skipped, saying why, where no container engine or image is there.
 */
@Tag(ServerTest.SLOW)
@EnabledIf(value = "dev.scorecam.deploy.ContainerEngine#ready", disabledReason = ContainerEngine.ABSENT)
@Testcontainers
class ContainerImageIT {

    static final Path SAMPLE = Path.of("samples/sneaker.png");

    @Container
    static final GenericContainer<?> server = ServiceContainer.of(ContainerEngine.serviceImage());

    private final RestClient client = RestClient.create(ServiceContainer.url(server, ServiceContainer.API_PORT));
    private final RestClient management = RestClient.create(ServiceContainer.url(server, ServiceContainer.MANAGEMENT_PORT));

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
        assertThat(server.execInContainer("touch", "/app/probe").getExitCode()).as("the root filesystem is read-only")
                .isNotZero();
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
