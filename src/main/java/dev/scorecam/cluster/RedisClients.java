package dev.scorecam.cluster;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.scorecam.jobs.redis.RedisJobSystem;

/**
 * The Lettuce client of a scaled-out deployment, made from every {@code spring.data.redis.*}
 * setting a Spring user would set: a single Redis ({@code url}, or {@code host}, {@code port},
 * {@code database}) or a Sentinel-watched primary ({@code sentinel.master}, {@code sentinel.nodes},
 * {@code sentinel.username} and {@code sentinel.password} for the sentinels themselves);
 * {@code username} and {@code password} (an ACL user), {@code client-name}, {@code ssl.enabled}
 * or an SSL bundle ({@code ssl.bundle}, from {@code spring.ssl.bundle.*}), {@code timeout} and
 * {@code connect-timeout}. With Sentinel every new connection asks the sentinels where the primary
 * is now, so a node follows a failover at its next connection.
 *
 * <p>Redis Cluster and static primary/replica sets are refused at start-up: the job scripts touch
 * keys of a job and of its model together, which a cluster would put in different slots.
 */
public final class RedisClients {

    /** How long a command (and connecting) may wait for Redis unless spring.data.redis.timeout says otherwise. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private RedisClients() {}

    /** The client the job system and the limits share; {@code bundles} may be null where no bundle is named. */
    public static RedisClient create(DataRedisProperties redis, SslBundles bundles) {
        Duration timeout = timeout(redis);
        Duration connectTimeout = redis.getConnectTimeout() != null ? redis.getConnectTimeout() : timeout;
        return RedisJobSystem.client(uri(redis), timeout, connectTimeout, sslOptions(redis, bundles));
    }

    static Duration timeout(DataRedisProperties redis) {
        return redis.getTimeout() != null ? redis.getTimeout() : DEFAULT_TIMEOUT;
    }

    /** Where to connect and as whom; Sentinel when a master is named, else the one Redis of url or host and port. */
    static RedisURI uri(DataRedisProperties redis) {
        refuseUnsupported(redis);
        RedisURI.Builder builder;
        DataRedisProperties.Sentinel sentinel = redis.getSentinel();
        if (sentinel != null && hasText(sentinel.getMaster())) {
            builder = RedisURI.builder().withSentinelMasterId(sentinel.getMaster());
            List<String> nodes = sentinel.getNodes() == null ? List.of() : sentinel.getNodes();
            if (nodes.isEmpty()) {
                throw new IllegalStateException("spring.data.redis.sentinel.master is set but "
                        + "spring.data.redis.sentinel.nodes is empty: name the sentinels as host:port, comma-separated");
            }
            for (String node : nodes) {
                builder.withSentinel(sentinelNode(node, sentinel));
            }
            builder.withDatabase(redis.getDatabase()).withSsl(ssl(redis));
            credentials(builder, redis.getUsername(), redis.getPassword());
        } else if (hasText(redis.getUrl())) {
            builder = RedisURI.builder(RedisURI.create(redis.getUrl()));
            if (ssl(redis)) {
                builder.withSsl(true);
            }
        } else {
            builder = RedisURI.builder().withHost(redis.getHost()).withPort(redis.getPort())
                    .withDatabase(redis.getDatabase()).withSsl(ssl(redis));
            credentials(builder, redis.getUsername(), redis.getPassword());
        }
        if (hasText(redis.getClientName())) {
            builder.withClientName(redis.getClientName());
        }
        return builder.build();
    }

    private static RedisURI sentinelNode(String node, DataRedisProperties.Sentinel sentinel) {
        int colon = node.lastIndexOf(':');
        if (colon <= 0 || colon == node.length() - 1) {
            throw new IllegalStateException("spring.data.redis.sentinel.nodes: '" + node + "' is not host:port");
        }
        RedisURI.Builder builder = RedisURI.builder().withHost(node.substring(0, colon).strip())
                .withPort(Integer.parseInt(node.substring(colon + 1).strip()));
        credentials(builder, sentinel.getUsername(), sentinel.getPassword());
        return builder.build();
    }

    private static void credentials(RedisURI.Builder builder, String username, String password) {
        if (password != null) {
            if (hasText(username)) {
                builder.withAuthentication(username, password);
            } else {
                builder.withPassword(password.toCharArray());
            }
        }
    }

    private static void refuseUnsupported(DataRedisProperties redis) {
        if (redis.getCluster() != null && redis.getCluster().getNodes() != null
                && !redis.getCluster().getNodes().isEmpty()) {
            throw new IllegalStateException("spring.data.redis.cluster.nodes: Redis Cluster is not supported by the "
                    + "Redis queue (each job's scripts touch its keys and its model's keys together, which a cluster "
                    + "spreads over slots); use one Redis, or a primary with replicas watched by Sentinel "
                    + "(spring.data.redis.sentinel.*); see docs/scale-out.md");
        }
        if (redis.getMasterreplica() != null && redis.getMasterreplica().getNodes() != null
                && !redis.getMasterreplica().getNodes().isEmpty()) {
            throw new IllegalStateException("spring.data.redis.masterreplica.nodes is not supported by the Redis queue: "
                    + "nothing would tell the nodes which one is the primary after a failover; use Sentinel "
                    + "(spring.data.redis.sentinel.*); see docs/scale-out.md");
        }
    }

    private static boolean ssl(DataRedisProperties redis) {
        return redis.getSsl().isEnabled() || hasText(redis.getSsl().getBundle());
    }

    /** The named bundle's keys and trust, as Spring Boot's own Lettuce configuration applies them; null without a bundle. */
    static SslOptions sslOptions(DataRedisProperties redis, SslBundles bundles) {
        String name = redis.getSsl().getBundle();
        if (!hasText(name)) {
            return null;
        }
        if (bundles == null) {
            throw new IllegalStateException("spring.data.redis.ssl.bundle=" + name + " but no SSL bundles are configured");
        }
        SslBundle bundle = bundles.getBundle(name);
        SslOptions.Builder options = SslOptions.builder().jdkSslProvider()
                .keyManager(bundle.getManagers().getKeyManagerFactory())
                .trustManager(bundle.getManagers().getTrustManagerFactory());
        if (bundle.getOptions().getCiphers() != null) {
            options.cipherSuites(bundle.getOptions().getCiphers());
        }
        if (bundle.getOptions().getEnabledProtocols() != null) {
            options.protocols(bundle.getOptions().getEnabledProtocols());
        }
        return options.build();
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
