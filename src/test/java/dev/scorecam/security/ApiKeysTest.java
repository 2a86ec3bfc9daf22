package dev.scorecam.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys as a server holds them: hashes with names, from a file and from properties. */
class ApiKeysTest {

    @TempDir
    Path dir;

    @Test
    void theTestHashesAreTheirKeys() {
        // Checked against sha256sum (printf %s alice-test-key | sha256sum) when they were written.
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256(TestKeys.ALICE))).isEqualTo(TestKeys.ALICE_SHA256);
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256(TestKeys.BOB))).isEqualTo(TestKeys.BOB_SHA256);
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256(TestKeys.CAROL))).isEqualTo(TestKeys.CAROL_SHA256);
    }

    @Test
    void aKeyNamesItsClientFromTheFileOrTheProperties() throws IOException {
        Path file = Files.writeString(dir.resolve("keys"), """
                # name:sha256hex
                alice:%s

                bob : %s
                """.formatted(TestKeys.ALICE_SHA256, TestKeys.BOB_SHA256.toUpperCase()));
        ApiKeys keys = ApiKeys.load(file, Map.of("carol", TestKeys.CAROL_SHA256));

        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.client(TestKeys.ALICE)).contains("alice");
        assertThat(keys.client(TestKeys.BOB)).contains("bob");
        assertThat(keys.client(TestKeys.CAROL)).contains("carol");
        assertThat(keys.client(TestKeys.ALICE_SHA256)).as("the hash is no key").isEmpty();
        assertThat(keys.client("")).isEmpty();
        assertThat(keys.client(TestKeys.ALICE + " ")).isEmpty();
    }

    /** docker-compose.yml's demo key is documented as 'demo-key': its hash must be that key's. */
    @Test
    void theComposeDemoKeyIsDemoKey() throws IOException {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        assertThat(compose).contains("SCORECAM_SECURITY_APIKEYS_DEMO: " + HexFormat.of().formatHex(ApiKeys.sha256("demo-key")));
    }

    /** tools/make-api-key.sh: the key it prints (stderr) is accepted by the line it prints (stdout). */
    @Test
    void theScriptMakesAKeyAndItsLine() throws IOException, InterruptedException {
        Process script = new ProcessBuilder("bash", "tools/make-api-key.sh", "alice").start();
        assertThat(script.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String line = new String(script.getInputStream().readAllBytes()).strip();
        String message = new String(script.getErrorStream().readAllBytes()).strip();
        assertThat(script.exitValue()).isZero();

        String key = message.substring(message.lastIndexOf(' ') + 1);
        assertThat(key).startsWith("sck_").hasSizeGreaterThanOrEqualTo(40);
        assertThat(line).startsWith("alice:").doesNotContain(key);
        ApiKeys keys = ApiKeys.load(Files.writeString(dir.resolve("keys"), line + "\n"), Map.of());
        assertThat(keys.client(key)).contains("alice");
    }

    /** A key pasted where its hash belongs is refused without being repeated in the message (and so the log). */
    @Test
    void aValueThatIsNoHashIsRefusedWithoutQuotingIt() throws IOException {
        assertThatThrownBy(() -> ApiKeys.load(null, Map.of("alice", TestKeys.ALICE)))
                .hasMessageContaining("scorecam.security.api-keys.alice")
                .hasMessageNotContaining(TestKeys.ALICE);
        Path file = Files.writeString(dir.resolve("keys"), "alice " + TestKeys.ALICE_SHA256 + "\n");
        assertThatThrownBy(() -> ApiKeys.load(file, Map.of())).hasMessageContaining("line 1: expected name:sha256hex");
    }
}
