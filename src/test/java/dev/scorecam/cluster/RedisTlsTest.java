package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * The connection settings against a real redis-server that speaks only TLS and knows an ACL user:
 * the client trusts the server through an SSL bundle (a PEM trust store, as
 * {@code spring.ssl.bundle.pem.<name>.truststore.certificate} makes it), logs in as that user and
 * names itself. Without the bundle the JVM's trust store refuses the self-signed server. The
 * certificate is made here by the JDK's keytool.
 */
class RedisTlsTest {

    private static final Path SERVER = Path.of("/usr/bin/redis-server");

    @TempDir
    static Path dir;
    static Process redis;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(SERVER)) {
            String why = "no " + SERVER + ": apt-get install redis-server to run this test";
            if ("true".equalsIgnoreCase(System.getenv("SCORECAM_REQUIRE_REDIS"))) {
                Assertions.fail(why + "; SCORECAM_REQUIRE_REDIS=true makes this a failure, not a skip");
            }
            Assumptions.abort(why);
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keystore = dir.resolve("server.p12");
        run(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "redis", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", dir.resolve("cert.pem").toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("redis", "changeit".toCharArray());
        Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        redis = new ProcessBuilder(SERVER.toString(), "--port", "0", "--tls-port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--tls-cert-file", dir.resolve("cert.pem").toString(), "--tls-key-file", dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("cert.pem").toString(), "--tls-auth-clients", "no",
                "--user", "default", "off", "--user", "scorecam", "on", ">s3cret", "~*", "&*", "+@all")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(dir.resolve("redis.log")).contains("Ready to accept connections")) {
            if (!redis.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server with TLS did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(List.of(command) + ": " + output);
        }
    }

    private static DataRedisProperties properties() {
        DataRedisProperties redis = new DataRedisProperties();
        redis.setHost("127.0.0.1");
        redis.setPort(port);
        redis.setUsername("scorecam");
        redis.setPassword("s3cret");
        redis.setClientName("scorecam-tls-test");
        redis.setTimeout(Duration.ofSeconds(5));
        return redis;
    }

    @Test
    void anSslBundleAnAclUserAndAClientName() {
        DataRedisProperties redis = properties();
        redis.getSsl().setBundle("redis");
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry("redis", SslBundle.of(new PemSslStoreBundle(
                null, PemSslStoreDetails.forCertificate("file:" + dir.resolve("cert.pem")))));

        RedisClient client = RedisClients.create(redis, bundles);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().aclWhoami()).isEqualTo("scorecam");
            assertThat(connection.sync().clientGetname()).isEqualTo("scorecam-tls-test");
            assertThat(connection.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withoutTheBundleTheSelfSignedServerIsNotTrusted() {
        DataRedisProperties redis = properties();
        redis.getSsl().setEnabled(true);

        RedisClient client = RedisClients.create(redis, null);
        try {
            assertThatThrownBy(client::connect).isInstanceOf(io.lettuce.core.RedisConnectionException.class)
                    .hasStackTraceContaining("PKIX path building failed");
        } finally {
            client.shutdown();
        }
    }
}
