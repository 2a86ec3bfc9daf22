package dev.scorecam.security;

import static dev.scorecam.security.Http.assertProblem;
import static dev.scorecam.security.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.ServerTest;

/**
 * The service with {@code scorecam.security.mode=api-key} (clients alice and bob): who gets in,
 * whose jobs they see, what stays open, and that each refusal is counted.
 */
@ServerTest
@TestKeys.WithApiKeys
class ApiKeyServerTest {

    @Value("${local.server.port}")
    int port;

    Http http;

    @BeforeEach
    void http() {
        http = new Http(port);
    }

    @Test
    void withoutAKeyTheApiIs401WithABearerChallenge() {
        HttpResponse<String> response = http.get("/v1/models");

        assertProblem(response, 401, "unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"scorecam\"");
    }

    @Test
    void aProblemTypesPageNeedsNoCredentials() {
        Http.assertProblemPagesAreOpen(http);
    }

    @Test
    void aWrongKeyIs401InEitherHeader() {
        HttpResponse<String> header = http.get("/v1/models", "X-API-Key", "alice-test-kez");
        HttpResponse<String> bearer = http.get("/v1/models", "Authorization", "Bearer " + TestKeys.ALICE + "x");

        assertProblem(header, 401, "unauthenticated");
        assertProblem(bearer, 401, "unauthenticated");
        assertThat(header.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"scorecam\", error=\"invalid_token\"");
        assertThat(header.body()).doesNotContain("alice");
    }

    @Test
    void theKServeEndpointsNeedAKeyAsTheRestOfTheApiDoesButTheirProbesDoNot() {
        String body = "{\"instances\": [\"" + java.util.Base64.getEncoder().encodeToString(Http.png()) + "\"]}";

        assertProblem(http.post("/v1/models/fashion-cnn:explain", body, "Content-Type", "application/json"), 401,
                "unauthenticated");
        assertProblem(http.get("/v2/models/fashion-cnn"), 401, "unauthenticated");
        assertProblem(http.get("/v2/models/fashion-cnn/ready"), 401, "unauthenticated");
        assertThat(http.get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(http.get("/v2/health/ready").statusCode()).isEqualTo(200);

        HttpResponse<String> explained = http.post("/v1/models/fashion-cnn:explain", body,
                "Content-Type", "application/json", "X-API-Key", TestKeys.ALICE);
        assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
        assertThat(json(explained).get("explanations")).hasSize(1);
        assertThat(http.get("/v2/models/fashion-cnn", "X-API-Key", TestKeys.BOB).statusCode()).isEqualTo(200);
    }

    @Test
    void theRightKeyIs200InEitherHeader() {
        HttpResponse<String> header = http.get("/v1/models", "X-API-Key", TestKeys.ALICE);
        HttpResponse<String> bearer = http.get("/v1/models", "Authorization", "Bearer " + TestKeys.BOB);

        assertThat(header.statusCode()).as(header.body()).isEqualTo(200);
        assertThat(json(header).get(0).get("name").asString()).isEqualTo("fashion-cnn");
        assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
    }

    @Test
    void anotherClientsJobIsUnknownToIt() throws InterruptedException {
        HttpResponse<String> submitted = http.submitJob("X-API-Key", TestKeys.ALICE);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String job = "/v1/jobs/" + json(submitted).get("id").asString();

        assertProblem(http.get(job, "X-API-Key", TestKeys.BOB), 404, "unknown-job");
        assertProblem(http.get(job + "/result", "X-API-Key", TestKeys.BOB), 404, "unknown-job");
        assertProblem(http.get(job + "/events", "X-API-Key", TestKeys.BOB, "Accept", "text/event-stream"), 404, "unknown-job");
        assertProblem(http.delete(job, "X-API-Key", TestKeys.BOB), 404, "unknown-job");
        assertProblem(http.get(job), 401, "unauthenticated");

        // Bob's DELETE did nothing: Alice's job runs to its result, and she can follow and fetch it.
        String status = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!status.equals("SUCCEEDED") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            HttpResponse<String> mine = http.get(job, "X-API-Key", TestKeys.ALICE);
            assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
            status = json(mine).get("status").asString();
            assertThat(status).isNotEqualTo("CANCELLED").isNotEqualTo("FAILED");
        }
        assertThat(status).isEqualTo("SUCCEEDED");
        assertThat(http.get(job + "/result", "X-API-Key", TestKeys.ALICE, "Accept", "application/json").statusCode())
                .isEqualTo(200);
        HttpResponse<String> events = http.get(job + "/events", "X-API-Key", TestKeys.ALICE, "Accept", "text/event-stream");
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("event:status").contains("SUCCEEDED");
    }

    @Test
    void healthTheApiDocumentAndSwaggerUiNeedNoKey() {
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs").statusCode()).isEqualTo(200);
        assertThat(http.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }

    /** With the management endpoints on the API's port (the quick start), they need a key too. */
    @Test
    void otherActuatorEndpointsNeedAKeyAndRefusalsAreCounted() {
        assertProblem(http.get("/actuator/prometheus"), 401, "unauthenticated");
        assertProblem(http.get("/actuator/info"), 401, "unauthenticated");
        String series = "scorecam_requests_rejected_total{reason=\"unauthenticated\"}";
        double before = Http.sample(prometheus(), series);

        http.get("/v1/models", "X-API-Key", "not-a-key");
        http.get("/v1/models");

        String after = prometheus();
        assertThat(Http.sample(after, series)).isEqualTo(before + 2);
        assertThat(after).contains("scorecam_requests_rejected_total{reason=\"rate-limited\"}")
                .contains("scorecam_requests_rejected_total{reason=\"forbidden\"}")
                .doesNotContain("alice").doesNotContain("not-a-key");
    }

    private String prometheus() {
        HttpResponse<String> response = http.get("/actuator/prometheus", "X-API-Key", TestKeys.ALICE);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A browser asks before it sends the key: the preflight passes, and a 401 is readable by the page. */
    @Test
    void corsPreflightNeedsNoKey() {
        HttpResponse<String> preflight = http.options("/v1/models/fashion-cnn/explanations",
                "Origin", TestKeys.ORIGIN, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "x-api-key, content-type");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TestKeys.ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("x-api-key");

        HttpResponse<String> refused = http.get("/v1/models", "Origin", TestKeys.ORIGIN);
        assertProblem(refused, 401, "unauthenticated");
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TestKeys.ORIGIN);
        assertThat(refused.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("WWW-Authenticate").contains("RateLimit-Policy").contains("Retry-After");
    }
}
