package dev.scorecam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;

/**
 * The scale-out deployment in containers: Debian's redis-server in a container, an {@code api}
 * instance that runs no model and a {@code worker} that does, both from the service image. A job
 * submitted to the api is run by the worker and read back through the api.
 */
@Tag(ServerTest.SLOW)
@EnabledIf(value = "dev.scorecam.deploy.ContainerEngine#ready", disabledReason = ContainerEngine.ABSENT)
@Testcontainers
class ContainerClusterIT {

    static final Network network = Network.newNetwork();

    @Container
    static final GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse(ContainerEngine.redisImage()))
            .withNetwork(network)
            .withNetworkAliases("redis")
            .withCommand("redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--appendonly", "yes",
                    "--dir", "/tmp")
            .withExposedPorts(6379)
            .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));

    @Container
    static final GenericContainer<?> worker = instance("worker");

    @Container
    static final GenericContainer<?> api = instance("api");

    private final JsonMapper json = JsonMapper.builder().build();

    static GenericContainer<?> instance(String role) {
        return ServiceContainer.of(ContainerEngine.serviceImage())
                .withNetwork(network)
                .withEnv("SCORECAM_QUEUE_BACKEND", "redis")
                .withEnv("SPRING_DATA_REDIS_URL", "redis://redis:6379")
                .withEnv("SCORECAM_ROLE", role)
                .dependsOn(redis);
    }

    /**
     * Stops the containers before their network goes: this runs before the extension stops them, and
     * a network removed under running containers leaves their port forwarding rules behind on the
     * host (netavark), where they capture whatever later listens on those ports.
     */
    @AfterAll
    static void removeNetwork() {
        api.stop();
        worker.stop();
        redis.stop();
        network.close();
    }

    @Test
    void aJobSubmittedToTheApiIsRunByTheWorkerThroughRedis() throws Exception {
        RestClient client = RestClient.create(ServiceContainer.url(api, ServiceContainer.API_PORT));
        ResponseEntity<String> accepted = client.post().uri("/v1/jobs")
                .contentType(MediaType.parseMediaType(Multipart.contentType()))
                .body(Multipart.image(Files.readAllBytes(ContainerImageIT.SAMPLE), MediaType.IMAGE_PNG_VALUE)
                        .field("model", "fashion-cnn").build())
                .retrieve().toEntity(String.class);
        assertThat(accepted.getStatusCode().value()).as(accepted.getBody()).isEqualTo(202);
        String id = json.readTree(accepted.getBody()).get("id").asString();

        JsonNode job = json.readTree(client.get().uri("/v1/jobs/{id}", id).retrieve().body(String.class));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!job.get("status").asString().matches("SUCCEEDED|FAILED|CANCELLED") && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            job = json.readTree(client.get().uri("/v1/jobs/{id}", id).retrieve().body(String.class));
        }
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");

        byte[] png = client.get().uri("/v1/jobs/{id}/result", id).accept(MediaType.IMAGE_PNG).retrieve().body(byte[].class);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(forwardPasses(worker)).as("the worker ran the job's passes").isPositive();
        assertThat(forwardPasses(api)).as("the api instance runs no model").isZero();
    }

    /** The sum of scorecam_forward_passes_total on an instance's management port. */
    private static double forwardPasses(GenericContainer<?> instance) {
        String metrics = RestClient.create(ServiceContainer.url(instance, ServiceContainer.MANAGEMENT_PORT))
                .get().uri("/actuator/prometheus").retrieve().body(String.class);
        return metrics.lines().filter(line -> line.startsWith("scorecam_forward_passes_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
