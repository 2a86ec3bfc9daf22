package dev.scorecam.security;

import static dev.scorecam.security.Http.assertProblem;
import static dev.scorecam.security.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.scorecam.ServerTest;

/**
 * {@code scorecam.security.mode=jwt} with tokens this test issues: a key pair made here, the
 * server given only the public key ({@code public-key-location}). The client is the
 * {@code client_id} claim (both test clients share one {@code sub}), and the scope
 * {@code scorecam} is required. The actuator is on a separate management port, as in the image
 * and the chart: not reachable on the API port, open on its own.
 */
@ServerTest
@TestPropertySource(properties = {
        "scorecam.security.mode=jwt",
        "scorecam.security.jwt.client-claim=client_id",
        "scorecam.security.jwt.required-scope=scorecam",
        "management.server.port=0"})
class JwtServerTest {

    static final KeyPair ISSUER = rsa();
    static final KeyPair STRANGER = rsa();

    @DynamicPropertySource
    static void publicKey(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem(ISSUER));
    }

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    Http http;

    @BeforeEach
    void http() {
        http = new Http(port);
    }

    @Test
    void aTokenWithTheScopeIsLetIn() {
        HttpResponse<String> response = http.get("/v1/models", bearer(token(ISSUER, "alice", "scorecam other", 60)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void noExpiredOrForeignTokenIs401() {
        HttpResponse<String> none = http.get("/v1/models");
        HttpResponse<String> expired = http.get("/v1/models", bearer(token(ISSUER, "alice", "scorecam", -60)));
        HttpResponse<String> foreign = http.get("/v1/models", bearer(token(STRANGER, "alice", "scorecam", 60)));
        HttpResponse<String> garbage = http.get("/v1/models", "Authorization", "Bearer not.a.jwt");
        HttpResponse<String> nameless = http.get("/v1/models", bearer(token(ISSUER, null, "scorecam", 60)));

        assertProblem(none, 401, "unauthenticated");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"scorecam\"");
        for (HttpResponse<String> refused : new HttpResponse[] {expired, foreign, garbage, nameless}) {
            assertProblem(refused, 401, "unauthenticated");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"scorecam\", error=\"invalid_token\"");
        }
    }

    @Test
    void aProblemTypesPageNeedsNoCredentials() {
        Http.assertProblemPagesAreOpen(http);
    }

    @Test
    void aTokenWithoutTheScopeIs403() {
        HttpResponse<String> response = http.get("/v1/models", bearer(token(ISSUER, "alice", "other", 60)));

        assertProblem(response, 403, "forbidden");
        assertThat(json(response).get("detail").asString()).contains("'scorecam'");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
    }

    @Test
    void theClientClaimOwnsTheJob() {
        String alice = token(ISSUER, "alice", "scorecam", 60);
        String bob = token(ISSUER, "bob", "scorecam", 60);
        HttpResponse<String> submitted = http.submitJob(bearer(alice));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String job = "/v1/jobs/" + json(submitted).get("id").asString();

        assertThat(http.get(job, bearer(alice)).statusCode()).isEqualTo(200);
        assertProblem(http.get(job, bearer(bob)), 404, "unknown-job");
    }

    @Test
    void theActuatorIsOnlyOnTheManagementPort() {
        String alice = bearer(token(ISSUER, "alice", "scorecam", 60))[1];
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(http.get("/actuator/prometheus", "Authorization", alice).statusCode()).isEqualTo(404);
        assertThat(http.get("/actuator/health/liveness", "Authorization", alice).statusCode()).isEqualTo(404);

        Http management = new Http(managementPort);
        assertThat(management.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(management.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = management.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("scorecam_requests_rejected_total{reason=\"forbidden\"}");
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    /** Both clients have the same {@code sub}: only the configured claim tells them apart; null leaves it out. */
    static String token(KeyPair key, String client, String scope, long expiresInSeconds) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("shared-service-account")
                .claim("client_id", client)
                .claim("scope", scope)
                .issueTime(Date.from(now.minus(Duration.ofMinutes(5))))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path pem(KeyPair key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPublic().getEncoded());
        try {
            Path file = Files.createTempFile("scorecam-jwt", ".pub");
            file.toFile().deleteOnExit();
            return Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
