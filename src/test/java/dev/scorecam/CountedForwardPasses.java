package dev.scorecam;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.scorecam.model.ForwardPassListener;

/**
 * Counts the images run through the network, told on the worker's thread as they run: for tests
 * that claim a request was, or was not, computed.
 */
@TestConfiguration(proxyBeanMethods = false)
public class CountedForwardPasses {

    /** Every image of every context that imports this, since the JVM started. */
    public static final AtomicLong IMAGES = new AtomicLong();

    @Bean
    @Primary
    ForwardPassListener countedForwardPasses() {
        return (model, images) -> IMAGES.addAndGet(images);
    }
}
