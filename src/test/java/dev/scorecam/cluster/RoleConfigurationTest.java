package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

import dev.scorecam.ScoreCamApplication;
import dev.scorecam.ServerTest;

/** A role that needs a shared queue, without one, stops start-up with a message that says what to set. */
@Tag(ServerTest.SLOW)
class RoleConfigurationTest {

    @Test
    void anApiOrWorkerRoleWithTheInMemoryQueueDoesNotStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ScoreCamApplication.class)
                .run("--server.port=0", "--spring.main.banner-mode=off", "--scorecam.engine.warmup-passes=0",
                        "--scorecam.models.fashion-cnn.batch-size=64", "--scorecam.role=worker",
                        // the refusal is expected: no ERROR and stack trace from Boot in a green build
                        "--logging.level.org.springframework.boot=off"))
                .rootCause()
                .hasMessageContaining("scorecam.role=worker")
                .hasMessageContaining("scorecam.queue.backend=redis");
    }
}
