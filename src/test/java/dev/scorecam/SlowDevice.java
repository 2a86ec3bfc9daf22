package dev.scorecam;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.scorecam.model.ForwardPassListener;

/**
 * The demo model explains a sample in a few milliseconds, too fast for a person (or a browser
 * test) to see a job run or to cancel it. This listener, told of every forward pass on the
 * worker's thread, makes each pass take {@link #PASS_MILLIS} longer, like a slower device.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SlowDevice {

    public static final long PASS_MILLIS = 60;

    @Bean
    @Primary
    ForwardPassListener slowForwardPasses() {
        return (model, images) -> {
            try {
                Thread.sleep(PASS_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
