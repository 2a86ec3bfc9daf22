package dev.scorecam.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.ServerTest;

/** {@code /actuator/info} names the build it runs: the pom's build-info goal writes it. */
@ServerTest
class ActuatorInfoTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void infoShowsTheArtifactAndItsVersion() {
        String body = RestClient.create("http://localhost:" + port).get().uri("/actuator/info").retrieve().body(String.class);
        JsonNode build = JsonMapper.builder().build().readTree(body).path("build");

        assertThat(build.path("artifact").asString()).as(body).isEqualTo("scorecam-server");
        assertThat(build.path("version").asString()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(build.path("time").asString()).isNotBlank();
    }
}
