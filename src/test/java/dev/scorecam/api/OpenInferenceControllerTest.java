package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;

import dev.scorecam.explain.Explainer;

/** The Open Inference Protocol's probes follow the actuator's groups: 503 and false when a group is not UP. */
class OpenInferenceControllerTest {

    private final HealthEndpoint health = mock(HealthEndpoint.class);

    @SuppressWarnings("unchecked")
    private OpenInferenceController controller() {
        ObjectProvider<HealthEndpoint> provider = mock(ObjectProvider.class);
        when(provider.getIfAvailable()).thenReturn(health);
        return new OpenInferenceController(mock(Explainer.class), provider);
    }

    private void group(String name, Status status) {
        HealthDescriptor descriptor = mock(IndicatedHealthDescriptor.class); // the abstract one is sealed
        when(descriptor.getStatus()).thenReturn(status);
        when(health.healthForPath(name)).thenReturn(descriptor);
    }

    @Test
    void readyWhileTheReadinessGroupIsUp() {
        group("readiness", Status.UP);

        var response = controller().ready();

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody().ready()).isTrue();
    }

    @Test
    void notReadyWhileTheReadinessGroupIsOutOfServiceOrDown() {
        for (Status status : new Status[] {Status.OUT_OF_SERVICE, Status.DOWN, Status.UNKNOWN}) {
            group("readiness", status);

            var response = controller().ready();

            assertThat(response.getStatusCode().value()).as(status.getCode()).isEqualTo(503);
            assertThat(response.getBody().ready()).isFalse();
        }
    }

    @Test
    void liveFollowsTheLivenessGroup() {
        group("liveness", Status.UP);
        assertThat(controller().live().getStatusCode().value()).isEqualTo(200);

        group("liveness", Status.DOWN);
        var broken = controller().live();
        assertThat(broken.getStatusCode().value()).isEqualTo(503);
        assertThat(broken.getBody().live()).isFalse();
    }
}
