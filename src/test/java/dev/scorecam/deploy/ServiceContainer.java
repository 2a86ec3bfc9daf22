package dev.scorecam.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.Capability;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** The service image as the Helm chart runs it: uid 10001, read-only root, a writable /tmp, no capabilities. */
final class ServiceContainer {

    static final int API_PORT = 8080;
    /** The image puts the actuator on its own port (MANAGEMENT_SERVER_PORT=8081). */
    static final int MANAGEMENT_PORT = 8081;

    private ServiceContainer() {}

    static GenericContainer<?> of(String image) {
        return new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(API_PORT, MANAGEMENT_PORT)
                .withTmpFs(Map.of("/tmp", "rw,mode=1777"))
                .withCreateContainerCmdModifier(create -> {
                    create.withUser("10001:10001");
                    create.getHostConfig().withReadonlyRootfs(true).withCapDrop(Capability.ALL)
                            .withSecurityOpts(List.of("no-new-privileges"));
                })
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(MANAGEMENT_PORT).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(4)));
    }

    static String url(GenericContainer<?> container, int port) {
        return "http://" + container.getHost() + ":" + container.getMappedPort(port);
    }
}
