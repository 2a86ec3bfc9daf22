package dev.scorecam;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The whole service on a random port with the bundled demo model: one shared configuration, so
 * that every full-stack test reuses one cached application context (a test that needs other
 * properties adds {@code @TestPropertySource} and gets a context of its own). The uploads limit is
 * small so that the too-large cases stay small. Tagged {@value #SLOW}: these run in
 * {@code ./mvnw verify} (Failsafe), not in {@code ./mvnw test}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(ServerTest.SLOW)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.servlet.multipart.max-file-size=300KB", "spring.servlet.multipart.max-request-size=310KB"})
public @interface ServerTest {

    /** The tag of the suites that run only in {@code ./mvnw verify}: full server, fuzz, load, localization. */
    String SLOW = "slow";
}
