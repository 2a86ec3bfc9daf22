package dev.scorecam.deploy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.ResourceReaper;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * The container engine and the locally built images the container tests run. The images are built
 * before the tests ({@code tools/containers/build-local.sh}), not by them: a Maven build inside a
 * test's image build would take minutes and need the network. Where no engine answers, the tests
 * skip and say why; with {@value #REQUIRE_VARIABLE} set (CI) they run and fail instead.
 *
 * <p>The engine is asked quietly over its socket first: Testcontainers' own check logs an ERROR for
 * every strategy it tried where none runs, which a reader of a green build cannot tell from a real
 * failure.
 */
final class ContainerEngine {

    static final String REQUIRE_VARIABLE = "SCORECAM_REQUIRE_CONTAINERS";
    static final String ABSENT = "no container engine answers at DOCKER_HOST, or the service image (system property "
            + "scorecam.image) or the Redis image (scorecam.redis-image) is missing: start one "
            + "(podman system service) and run tools/containers/build-local.sh; CI does (.ci/containers.sh)";

    private ContainerEngine() {}

    /** The service image under test: the one tools/containers/build-local.sh tags with the project's version. */
    static String serviceImage() {
        return System.getProperty("scorecam.image", "localhost/scorecam-server:latest");
    }

    /** Debian's redis-server on the local Debian base, made by tools/containers/build-local.sh. */
    static String redisImage() {
        return System.getProperty("scorecam.redis-image", "localhost/redis-server:bookworm");
    }

    /** For {@code @EnabledIf}: run where the engine and both images are there, or where CI requires the tests. */
    static boolean ready() {
        if ("true".equals(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            // Ryuk's image cannot be pulled where no registry answers, and these tests stop what they
            // start themselves: its banner of a WARN would be noise in a green build.
            ((Logger) LoggerFactory.getLogger(ResourceReaper.class)).setLevel(Level.ERROR);
        }
        if (System.getenv(REQUIRE_VARIABLE) != null) {
            return true;
        }
        return engineAnswers() && hasImage(serviceImage()) && hasImage(redisImage());
    }

    private static boolean hasImage(String name) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code GET /_ping} on the engine's Unix socket answers 200. */
    private static boolean engineAnswers() {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        if (!host.startsWith("unix://")) {
            return true; // a TCP engine: let Testcontainers find out
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(Path.of(host.substring("unix://".length()))));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).matches("HTTP/1\\.\\d 200[\\s\\S]*");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
