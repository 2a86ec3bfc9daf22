package dev.scorecam.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.ServerTest;
import dev.scorecam.client.ApiClient;
import dev.scorecam.client.ApiException;
import dev.scorecam.client.api.JobsApi;
import dev.scorecam.client.api.ModelsApi;
import dev.scorecam.client.model.JobView;

/**
 * The client generated from the committed contract, against a server with API keys: the key goes
 * in the header the contract's {@code ApiKey} scheme names, and the 401/404 it gets otherwise are
 * the problems the contract lists. Same server as {@link ApiKeyServerTest}.
 */
@ServerTest
@TestKeys.WithApiKeys
class GeneratedClientWithApiKeyTest {

    @Value("${local.server.port}")
    int port;

    @TempDir
    Path dir;

    ApiClient client(String key) {
        ApiClient client = new ApiClient(HttpClient.newBuilder(), ApiClient.createDefaultObjectMapper(), "http://localhost:" + port).setReadTimeout(Duration.ofSeconds(60));
        return key == null ? client : client.setRequestInterceptor(request -> request.header("X-API-Key", key));
    }

    @Test
    void withAKeyTheClientWorksAndWithoutItGets401() throws ApiException, IOException {
        assertThat(new ModelsApi(client(TestKeys.ALICE)).listModels()).isNotEmpty();
        assertThatThrownBy(() -> new ModelsApi(client(null)).listModels())
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(401);
                    assertThat(e.getResponseBody()).contains("/problems/unauthenticated");
                    assertThat(e.getResponseHeaders().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"scorecam\"");
                });

        File image = Files.write(dir.resolve("upload.png"), Http.png()).toFile();
        JobView job = new JobsApi(client(TestKeys.ALICE)).submitJob("fashion-cnn", image, null, 1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(new JobsApi(client(TestKeys.ALICE)).getJob(job.getId()).getId()).isEqualTo(job.getId());
        assertThatThrownBy(() -> new JobsApi(client(TestKeys.BOB)).getJob(job.getId()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("/problems/unknown-job");
                });
    }
}
