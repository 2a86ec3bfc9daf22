package dev.scorecam.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy between one node and Redis (NetCrusher, in the test JVM) that injects faults: a
 * delay on every buffer each way, connections reset (closed with linger 0, so an RST, whatever
 * command is in flight), and the link frozen (nothing passes either way; new connections wait).
 */
final class FaultyLink implements AutoCloseable {

    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private volatile long delayNanos;

    FaultyLink(int redisPort) throws IOException {
        this.reactor = new NioReactor();
        Throttler latency = buffer -> delayNanos == 0 ? Throttler.NO_DELAY_NS : delayNanos;
        this.crusher = TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", freePort())
                .withConnectAddress("127.0.0.1", redisPort)
                .withLingerMs(0)
                .withIncomingThrottlerFactory(address -> latency)
                .withOutgoingThrottlerFactory(address -> latency)
                .buildAndOpen();
    }

    /** What the node is told Redis's address is. */
    String url() {
        return "redis://127.0.0.1:" + crusher.getBindAddress().getPort();
    }

    /** Each buffer waits this long, each way; zero: none. */
    void latency(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /** Resets every connection now open through the link. */
    void reset() {
        crusher.closeAllPairs();
    }

    void freeze() {
        crusher.freeze();
    }

    void unfreeze() {
        crusher.unfreeze();
    }

    int connections() {
        return crusher.getClientTotalCount();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        crusher.close();
        reactor.close();
    }
}
