package dev.scorecam.security;

import static dev.scorecam.security.Http.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;

import okhttp3.Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.scorecam.ServerTest;
import dev.scorecam.client.ApiClient;
import dev.scorecam.client.ApiException;
import dev.scorecam.client.api.JobsApi;
import dev.scorecam.client.api.ModelsApi;
import dev.scorecam.client.model.JobView;

/**
 * JWT mode against a running OAuth2/OIDC issuer (mock-oauth2-server on a free port): the service
 * is given only the issuer's URI and the audience, and fetches the discovery document and the
 * signing keys (JWKS) from it. A token the issuer signed for this audience works, through the
 * client generated from the contract too; an expired one, one for another audience, one from
 * another issuer and one signed with a key the issuer does not publish (a rotation the service
 * cannot follow) each get 401 with RFC 6750's {@code error="invalid_token"}. Ordered: the issuer
 * starts in the first test, which sees the service before it.
 */
@ServerTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = {
        "scorecam.security.mode=jwt",
        "spring.security.oauth2.resourceserver.jwt.audiences=scorecam-api"})
class IdentityProviderTest {

    static final String ISSUER = "scorecam";
    static final String AUDIENCE = "scorecam-api";
    static final int IDP_PORT = freePort();
    /** While not 0, the issuer's JWKS endpoint answers with this status instead of its keys. */
    static final AtomicInteger keysFailWith = new AtomicInteger();
    /** JWKS requests answered so. */
    static final AtomicInteger keysRefused = new AtomicInteger();
    /** Started by the first test: until then the issuer is out of reach. */
    static final MockOAuth2Server idp = new MockOAuth2Server(new Route() {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return keysFailWith.get() != 0 && request.getUrl().encodedPath().endsWith("/jwks");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            keysRefused.incrementAndGet();
            return new OAuth2HttpResponse(Headers.of(), keysFailWith.get(), "keys unavailable", null);
        }
    });

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", IdentityProviderTest::issuerUri);
    }

    static String issuerUri() {
        return "http://localhost:" + IDP_PORT + "/" + ISSUER;
    }

    @AfterAll
    static void stop() {
        idp.shutdown();
    }

    @Value("${local.server.port}")
    int port;

    @TempDir
    Path dir;

    /**
     * The service fetches the issuer's configuration and signing keys at the first token: with the
     * issuer away, a token cannot be checked, which is 503 (retry), neither 401 (the token is not
     * known bad) nor a 500. Then the issuer starts but its signing keys fail with 500: 503 again.
     * Then the keys are there, and the next token is checked.
     */
    @Test
    @Order(1)
    void anIssuerOrItsKeysOutOfReachIs503AndTheServiceFetchesThemOnceTheyAreThere() throws Exception {
        HttpResponse<String> away = http().get("/v1/models", "Authorization", "Bearer " + signedByUnpublishedKey());
        assertProblem(away, 503, "backend-unavailable");
        assertThat(Http.json(away).get("detail").asString()).contains("identity provider");

        idp.start(java.net.InetAddress.getLoopbackAddress(), IDP_PORT);
        assertThat(idp.issuerUrl(ISSUER).toString()).isEqualTo(issuerUri());
        // the mock server's first answer is slow on a loaded machine: let it warm up outside the service's timeouts
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(issuerUri() + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.discarding());

        // The discovery document answers, the signing keys do not (the JWKS endpoint fails with 500).
        keysFailWith.set(500);
        HttpResponse<String> keysFailing = http().get("/v1/models", "Authorization",
                "Bearer " + token(ISSUER, "alice", AUDIENCE, 3600));
        keysFailWith.set(0);
        assertProblem(keysFailing, 503, "backend-unavailable");
        assertThat(Http.json(keysFailing).get("detail").asString()).contains("identity provider");
        assertThat(keysFailing.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(keysRefused.get()).as("JWKS requests answered 500").isPositive();

        HttpResponse<String> good = http().get("/v1/models", "Authorization", "Bearer " + token(ISSUER, "alice", AUDIENCE, 3600));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String token(String issuer, String subject, String audience, long expirySeconds) {
        return idp.issueToken(issuer, subject, audience, Map.of(), expirySeconds).serialize();
    }

    private Http http() {
        return new Http(port);
    }

    @Test
    @Order(2)
    void aTokenFromTheIssuerWorksThroughTheGeneratedClient() throws Exception {
        String alice = token(ISSUER, "alice", AUDIENCE, 3600);
        ApiClient client = new ApiClient().setHost("localhost").setPort(port).setReadTimeout(Duration.ofSeconds(60))
                .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + alice));

        assertThat(new ModelsApi(client).listModels()).isNotEmpty();
        File image = Files.write(dir.resolve("upload.png"), Http.png()).toFile();
        JobView job = new JobsApi(client).submitJob("fashion-cnn", image, null, 1, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        assertThat(new JobsApi(client).getJob(job.getId()).getId()).isEqualTo(job.getId());

        String bob = token(ISSUER, "bob", AUDIENCE, 3600);
        ApiClient bobs = new ApiClient().setHost("localhost").setPort(port)
                .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + bob));
        assertThatThrownBy(() -> new JobsApi(bobs).getJob(job.getId()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    @Order(3)
    void expiredWrongAudienceWrongIssuerAndUnknownKeyAreEach401WithTheBearerError() throws Exception {
        Map<String, String> refused = Map.of(
                "expired", token(ISSUER, "alice", AUDIENCE, -300), // past Spring's 60 s of clock skew
                "another audience", token(ISSUER, "alice", "another-api", 3600),
                "another issuer", token("elsewhere", "alice", AUDIENCE, 3600),
                "a key the issuer does not publish", signedByUnpublishedKey());

        for (Map.Entry<String, String> token : refused.entrySet()) {
            HttpResponse<String> response = http().get("/v1/models", "Authorization", "Bearer " + token.getValue());
            assertProblem(response, 401, "unauthenticated");
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(token.getKey())
                    .hasValue("Bearer realm=\"scorecam\", error=\"invalid_token\"");
        }
        // the same request with a good token passes: the refusals were the tokens'
        HttpResponse<String> good = http().get("/v1/models", "Authorization", "Bearer " + token(ISSUER, "alice", AUDIENCE, 3600));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    }

    /**
     * Claims the issuer would sign (its iss, our audience, valid times), signed with a new key under
     * a key id the issuer's JWKS does not hold: what a token looks like after a rotation the
     * issuer never published. The service looks the key id up again and still does not find it.
     */
    private static String signedByUnpublishedKey() throws NoSuchAlgorithmException, JOSEException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateKey key = (RSAPrivateKey) generator.generateKeyPair().getPrivate();
        Date now = new Date();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotated-" + now.getTime())
                .type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(issuerUri()) // not idp.issuerUrl: asking it the URL starts it.subject("alice")
                        .audience(List.of(AUDIENCE)).issueTime(now).notBeforeTime(now)
                        .expirationTime(new Date(now.getTime() + 3_600_000)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
