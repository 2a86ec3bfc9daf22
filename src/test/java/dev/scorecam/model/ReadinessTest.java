package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.ServerTest;

/**
 * The probes: liveness, and readiness made of Spring Boot's readiness state (ready after start-up,
 * refusing once shutdown begins) and the models. Same properties as the other full-stack tests.
 */
@ServerTest
class ReadinessTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    ApplicationContext context;

    ResponseEntity<String> get(String path) {
        return RestClient.create("http://localhost:" + port).get().uri(path).retrieve()
                .onStatus(status -> true, (request, response) -> {}).toEntity(String.class);
    }

    @Test
    void readyOnceTheModelsAreLoadedAndNotWhileRefusingTraffic() {
        ResponseEntity<String> ready = get("/actuator/health/readiness");
        assertThat(ready.getStatusCode().value()).isEqualTo(200);
        JsonNode components = JsonMapper.builder().build().readTree(ready.getBody()).get("components");
        assertThat(components.get("models").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("readinessState").get("status").asString()).isEqualTo("UP");
        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);

        // What Spring Boot publishes as soon as the context starts to close.
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            assertThat(get("/actuator/health/readiness").getStatusCode().value()).isEqualTo(503);
            assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(get("/actuator/health/readiness").getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void modelsAreDownWhenNoneIsLoaded() {
        ModelRegistry closed = mock(ModelRegistry.class);
        when(closed.pools()).thenReturn(List.of());
        assertThat(new ModelsHealthIndicator(closed).health().getStatus()).isEqualTo(Status.DOWN);
    }
}
