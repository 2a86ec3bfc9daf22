package dev.scorecam.security;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away redis-server for a test: a child process on a free port, no persistence, stopped
 * on close. A test that needs one is skipped, saying how to get it, where the binary is missing
 * (.ci/run installs it: apt-get install redis-server), and fails there with
 * {@code SCORECAM_REQUIRE_REDIS=true}, as CI sets it.
 */
final class LocalRedis implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("scorecam.test.redis-server", "/usr/bin/redis-server"));
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    final int port;

    private LocalRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRedis start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            String why = "no " + BINARY + ": apt-get install redis-server to run this test";
            if ("true".equalsIgnoreCase(System.getenv("SCORECAM_REQUIRE_REDIS"))) {
                fail(why + "; SCORECAM_REQUIRE_REDIS=true makes this a failure, not a skip");
            }
            assumeTrue(false, why);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        LocalRedis redis = new LocalRedis(process, port);
        long deadline = System.nanoTime() + START.toNanos();
        while (!redis.listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return redis;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    private boolean listening() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

}
