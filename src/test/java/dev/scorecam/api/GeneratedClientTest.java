package dev.scorecam.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;

import dev.scorecam.ServerTest;
import dev.scorecam.client.ApiClient;
import dev.scorecam.client.ApiException;
import dev.scorecam.client.api.ExplanationsApi;
import dev.scorecam.client.api.JobsApi;
import dev.scorecam.client.api.MethodsApi;
import dev.scorecam.client.api.ModelsApi;
import dev.scorecam.client.model.ExplanationResponse;
import dev.scorecam.client.model.JobView;
import dev.scorecam.client.model.MethodView;
import dev.scorecam.client.model.ModelInfo;

/**
 * The API as a client generated from the committed contract (src/main/resources/openapi.yaml, generated into
 * target/generated-test-sources) sees it: if the contract and the server disagree, this fails.
 */
@ServerTest
class GeneratedClientTest {

    @Value("${local.server.port}")
    int port;

    @TempDir
    Path dir;

    ApiClient client;
    File image;

    @BeforeEach
    void client() throws IOException {
        client = new ApiClient(HttpClient.newBuilder(), ApiClient.createDefaultObjectMapper(), "http://localhost:" + port).setReadTimeout(Duration.ofSeconds(60));
        image = Files.write(dir.resolve("upload.png"), Uploads.png(48, 40)).toFile();
    }

    @Test
    void listsModelsAndExplainsSynchronously() throws ApiException {
        List<ModelInfo> models = new ModelsApi(client).listModels();
        assertThat(models).isNotEmpty();
        ModelInfo model = models.get(0);
        assertThat(new ModelsApi(client).getModel(model.getName()).getLabels()).isEqualTo(model.getLabels());

        String label = model.getLabels().get(1);
        ExplanationResponse explanation = new ExplanationsApi(client).explain(model.getName(), image,
                List.of("0", label), null, null, null, null, null, null, null, null, null, null, null, null, null, true, null,
                null, null, null, true);

        assertThat(explanation.getModel()).isEqualTo(model.getName());
        assertThat(explanation.getMethod()).isEqualTo("scorecam");
        assertThat(explanation.getExplanations()).hasSize(2);
        assertThat(explanation.getExplanations().get(1).getTarget().getLabel()).isEqualTo(label);
        var saliency = explanation.getExplanations().get(0).getSaliency();
        assertThat(saliency.getWidth()).isEqualTo(model.getInput().getWidth());
        assertThat(decodedFloats(saliency.getData())).isEqualTo(saliency.getWidth() * saliency.getHeight());
        assertThat(explanation.getExplanations().get(0).getHeatmapPng()).isNotEmpty();
        assertThat(explanation.getStats().getForwardPasses()).isEqualTo(explanation.getStats().getLiveChannels() + 2);
        assertThat(explanation.getExplanations().get(1).getFaithfulness().getSteps()).isEqualTo(20);
        assertThat(explanation.getStats().getFaithfulnessForwardPasses()).isPositive();
    }

    @Test
    void runsAJobThroughItsLifecycle() throws Exception {
        JobsApi jobs = new JobsApi(client);
        String model = new ModelsApi(client).listModels().get(0).getName();

        JobView submitted = jobs.submitJob(model, image, null, 2, null, null, null, "faster-scorecam", null, null, null, 8, null, null, null, null,
                null, null, null);
        assertThat(submitted.getStatus()).isIn(JobView.StatusEnum.QUEUED, JobView.StatusEnum.RUNNING,
                JobView.StatusEnum.SUCCEEDED);
        assertThat(submitted.getLinks().getSelf()).isEqualTo("/v1/jobs/" + submitted.getId());

        JobView job = submitted;
        for (int i = 0; i < 600 && !List.of(JobView.StatusEnum.SUCCEEDED, JobView.StatusEnum.FAILED,
                JobView.StatusEnum.CANCELLED).contains(job.getStatus()); i++) {
            Thread.sleep(50);
            job = jobs.getJob(submitted.getId());
        }
        assertThat(job.getStatus()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        assertThat(job.getFinishedAt()).isNotNull();

        ExplanationResponse result = jobs.getJobResult(job.getId(), null, null, null, null);
        assertThat(result.getExplanations()).hasSize(2);
        assertThat(result.getMethod()).isEqualTo("faster-scorecam");
        assertThat(result.getStats().getForwardPasses()).isEqualTo(8 + 2);
        assertThat(new MethodsApi(client).listMethods()).extracting(MethodView::getName).contains("gradcam++");
        File events = jobs.jobEvents(job.getId());
        assertThat(Files.readString(events.toPath())).contains("event:status").contains("SUCCEEDED");

        // Cancelling a finished job changes nothing; an unknown one is a 404 problem.
        assertThat(jobs.cancelJob(job.getId()).getStatus()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        assertThatThrownBy(() -> jobs.getJob("00000000-0000-0000-0000-000000000000"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("/problems/unknown-job");
                });
    }

    private static int decodedFloats(String base64) {
        return java.util.Base64.getDecoder().decode(base64).length / Float.BYTES;
    }
}
