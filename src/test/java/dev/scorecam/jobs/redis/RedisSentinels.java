package dev.scorecam.jobs.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

/**
 * A Redis primary with one replica, watched by three sentinels (quorum 2), all processes of the
 * test on free loopback ports: Debian's {@code redis-server} and {@code redis-sentinel}, which
 * {@code .ci/run} installs. A sentinel calls the primary down after {@link #DOWN_AFTER} without an
 * answer. Without the binaries the calling test is skipped, saying how to get them; with
 * {@code SCORECAM_REQUIRE_REDIS=true} (CI) it fails instead.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "scorecam";
    // 3 s, not 1: on a loaded CI machine a promoted primary missed pings for over a second, the
    // sentinels failed it over again to the just-restarted, still empty old primary
    public static final Duration DOWN_AFTER = Duration.ofSeconds(3);
    private static final Path SERVER = Path.of("/usr/bin/redis-server");
    private static final Path SENTINEL = Path.of("/usr/bin/redis-sentinel");

    private final Path directory;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private int primaryPort;
    private int replicaPort;
    private Process primary;

    private RedisSentinels(Path directory) {
        this.directory = directory;
    }

    /** Starts the five processes and returns once the sentinels know the replica and one another. */
    public static RedisSentinels start() throws IOException, InterruptedException {
        for (Path binary : List.of(SERVER, SENTINEL)) {
            if (!Files.isExecutable(binary)) {
                String why = "no " + binary + ": the failover test needs Debian's redis-server and redis-sentinel "
                        + "(apt-get install redis-server redis-sentinel)";
                if ("true".equalsIgnoreCase(System.getenv(RedisServer.REQUIRE_VARIABLE))) {
                    Assertions.fail(why + "; " + RedisServer.REQUIRE_VARIABLE + "=true makes this a failure, not a skip");
                }
                Assumptions.abort(why);
            }
        }
        RedisSentinels group = new RedisSentinels(Files.createTempDirectory("scorecam-sentinels"));
        try {
            group.startAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.close();
            throw e;
        }
        return group;
    }

    private void startAll() throws IOException, InterruptedException {
        primaryPort = freePort();
        replicaPort = freePort();
        primary = server("primary", primaryPort);
        server("replica", replicaPort, "--replicaof", "127.0.0.1", Integer.toString(primaryPort));
        await("the replica in sync", Duration.ofSeconds(20), () -> info(replicaPort).contains("master_link_status:up"));
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            Path config = directory.resolve("sentinel-" + i + ".conf");
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "protected-mode no",
                    "dir " + directory,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER.toMillis(),
                    "sentinel failover-timeout " + MASTER + " 10000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""));
            sentinelPorts.add(port);
            processes.add(new ProcessBuilder(SENTINEL.toString(), config.toString()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("sentinel-" + i + ".log").toFile()).start());
        }
        for (int port : sentinelPorts) {
            await("sentinel " + port + " to know the replica and the other sentinels", Duration.ofSeconds(30), () -> {
                Map<String, String> master = sentinelMaster(port);
                return "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
            });
        }
    }

    private Process server(String name, int port, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                "--dir", directory.toString(), "--dbfilename", name + ".rdb"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(name + ".log").toFile())).start();
        processes.add(process);
        try {
            await("redis-server " + name + " on " + port, Duration.ofSeconds(20), () -> info(port).contains("redis_version"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process;
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}, as spring.data.redis.sentinel.nodes takes them. */
    public String sentinelNodes() {
        return String.join(",", sentinelPorts.stream().map(port -> "127.0.0.1:" + port).toList());
    }

    public int primaryPort() {
        return primaryPort;
    }

    public int replicaPort() {
        return replicaPort;
    }

    /** Kills the primary as a crash would (SIGKILL): no goodbye to its clients or replica. */
    public void killPrimary() throws InterruptedException {
        primary.destroyForcibly();
        primary.waitFor(10, TimeUnit.SECONDS);
    }

    /** The port of the primary the sentinels name now. */
    public int currentPrimaryPort() {
        try (RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + sentinelPorts.get(0)));
                StatefulRedisSentinelConnection<String, String> sentinel = client.connectSentinel()) {
            return ((java.net.InetSocketAddress) sentinel.sync().getMasterAddrByName(MASTER)).getPort();
        }
    }

    /**
     * Starts the killed primary again as a replica of the one the sentinels promoted, as an
     * orchestrator restarting the pod would, and waits until it is in sync.
     */
    public void restartOldPrimaryAsReplica() throws IOException, InterruptedException {
        int now = currentPrimaryPort();
        // as an orchestrator would: only once every sentinel has ended the failover on the new primary
        await("every sentinel to name the new primary", Duration.ofSeconds(30), () -> sentinelPorts.stream()
                .allMatch(port -> Integer.toString(now).equals(sentinelMaster(port).get("port"))));
        server("old-primary", primaryPort, "--replicaof", "127.0.0.1", Integer.toString(now));
        await("the old primary in sync as a replica", Duration.ofSeconds(45),
                () -> info(primaryPort).contains("master_link_status:up"));
    }

    private static String info(int port) {
        try (RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(1)).build());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().info("all");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static Map<String, String> sentinelMaster(int port) {
        try (RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(1)).build());
                StatefulRedisSentinelConnection<String, String> sentinel = client.connectSentinel()) {
            return sentinel.sync().master(MASTER);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what + "; logs in " + directory);
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
