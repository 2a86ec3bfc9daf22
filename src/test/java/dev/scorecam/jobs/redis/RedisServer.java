package dev.scorecam.jobs.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import io.lettuce.core.RedisURI;

/**
 * A real Redis for the tests: the one at {@code SCORECAM_TEST_REDIS_URL} if set, else a
 * {@code redis-server} this JVM starts on a free loopback port (the binary from Debian's
 * {@code redis-server} package, which {@code .ci/run} installs). Without either the Redis tests
 * are skipped, saying how to get one; with {@code SCORECAM_REQUIRE_REDIS=true} (CI) they fail
 * instead. Every test uses its own key prefix, so one server serves them all.
 */
public final class RedisServer {

    static final String URL_VARIABLE = "SCORECAM_TEST_REDIS_URL";
    static final String REQUIRE_VARIABLE = "SCORECAM_REQUIRE_REDIS";
    /** Where else to look for the binary (a path); also how to see the skip without uninstalling Redis. */
    static final String BINARY_VARIABLE = "SCORECAM_TEST_REDIS_SERVER";
    private static final List<String> BINARIES = System.getenv(BINARY_VARIABLE) != null
            ? List.of(System.getenv(BINARY_VARIABLE)) : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");
    private static RedisServer shared;

    private final RedisURI uri;
    private final Path binary;
    private final Path directory;
    private final int port;
    private final boolean persistent;
    private Process process;

    private RedisServer(RedisURI uri, Path binary, Path directory, int port, boolean persistent) {
        this.uri = uri;
        this.binary = binary;
        this.directory = directory;
        this.port = port;
        this.persistent = persistent;
    }

    /** The Redis all tests share; skips (or, in CI, fails) the calling test when there is none. */
    public static synchronized RedisServer shared() {
        if (shared == null) {
            String url = System.getenv(URL_VARIABLE);
            shared = url != null && !url.isBlank()
                    ? new RedisServer(RedisURI.create(url), null, null, -1, false)
                    : ownProcess(false);
        }
        return shared;
    }

    /**
     * A Redis of the calling test's own, which it may stop and start again on the same port;
     * {@code persistent}: an append-only file, written at every command, keeps the data across
     * a restart (as a production Redis for the job queue should).
     */
    public static RedisServer ownProcess(boolean persistent) {
        Path binary = BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            unavailable("no redis-server binary (looked at " + BINARIES + ")");
        }
        try {
            Path directory = Files.createTempDirectory("scorecam-redis");
            int port = freePort();
            RedisServer server = new RedisServer(RedisURI.create("redis://127.0.0.1:" + port), binary, directory, port,
                    persistent);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            return server;
        } catch (IOException e) {
            unavailable("redis-server did not start: " + e.getMessage());
            return null;
        }
    }

    private static void unavailable(String why) {
        String how = why + ". The Redis tests need a Redis server: install one (apt-get install redis-server; "
                + "the tests start it themselves) or point " + URL_VARIABLE + " at one (redis://host:port)";
        if ("true".equalsIgnoreCase(System.getenv(REQUIRE_VARIABLE))) {
            Assertions.fail(how + "; " + REQUIRE_VARIABLE + "=true makes this a failure, not a skip");
        }
        Assumptions.abort(how);
    }

    public RedisURI uri() {
        return uri;
    }

    public String url() {
        return uri.toURI().toString();
    }

    /** Starts the process (again, on the same port) and waits until it answers. */
    public synchronized void start() throws IOException {
        if (binary == null) {
            throw new IllegalStateException("this Redis is not a process of the tests");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--dir", directory.toString(), "--protected-mode", "no"));
        command.addAll(persistent ? List.of("--appendonly", "yes", "--appendfsync", "always")
                : List.of("--appendonly", "no"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answers()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                stop();
                throw new IOException("redis-server on port " + port + " did not answer; see "
                        + directory.resolve("redis.log"));
            }
            sleep(20);
        }
    }

    /** Stops the process at once (SIGKILL): what the nodes see when Redis goes away. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[5];
            int read = in.readNBytes(answer, 0, 5);
            return read == 5 && new String(answer, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
