package dev.scorecam.api;

import static dev.scorecam.problem.ProblemType.*;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The batch operations in the OpenAPI document, as {@link ApiDocumentation} describes the others;
 * after it (its tags are set there), before the security responses.
 */
@Component
@Order(1)
class BatchDocumentation implements OpenApiCustomizer {

    private static final String RESULT = "/v1/batches/{id}/result";

    @Override
    public void customise(OpenAPI api) {
        List<Tag> tags = new ArrayList<>(api.getTags() == null ? List.of() : api.getTags());
        tags.add(new Tag().name("batches").description("Many images as one batch: one job each, followed and fetched together"));
        api.setTags(tags);

        ApiDocumentation.operation(api, "/v1/models/{model}/batches", PathItem.HttpMethod.POST, op -> {
            op.operationId("submitBatch").tags(List.of("batches"))
                    .summary("Submit many images as one batch, each with its own target or top-k")
                    .description("""
                            One `image` part per image (at most `scorecam.batches.max-images`). The other parameters \
                            are shared by every image, as for a job; `targets`, repeated once per image in the \
                            images' order (or comma-separated), gives each image its own: a class index or label, or \
                            `top-k=N`; an empty entry takes the shared `target`/`top-k`. Every image is checked \
                            first (a problem's detail names the image), then each is queued as a job of its own, so \
                            it counts against the queue and the client's concurrent jobs. When one cannot be queued \
                            (503 queue-full, 429) those queued before it are cancelled and the batch is refused \
                            whole. 202 with the batch, `Location` naming it.""");
            ApiResponse accepted = op.getResponses().remove("200")
                    .description("Queued")
                    .addHeaderObject("Location", ApiDocumentation.header("The batch: /v1/batches/{id}"));
            op.getResponses().addApiResponse("202", accepted);
            ApiDocumentation.formParameters(op, ExplanationForm.fields(), List.of());
            for (Parameter parameter : op.getParameters()) {
                if (parameter.getName().equals("targets")) {
                    parameter.description("Per image, in order: a class index or label, or top-k=N; "
                            + "empty takes the shared target/top-k");
                }
            }
            ApiDocumentation.errors(op, INVALID_REQUEST, INVALID_PARAMETER, INVALID_IMAGE, UNKNOWN_METHOD,
                    METHOD_UNSUPPORTED, UNKNOWN_TARGET, TOO_MANY_TARGETS, UNKNOWN_MODEL, UPLOAD_TOO_LARGE,
                    IMAGE_TOO_LARGE, UNSUPPORTED_IMAGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL_ERROR, QUEUE_FULL,
                    SHUTTING_DOWN, BACKEND_UNAVAILABLE, NO_COMPATIBLE_WORKER);
        });
        ApiDocumentation.operation(api, "/v1/batches/{id}", PathItem.HttpMethod.GET, op -> {
            op.operationId("getBatch").tags(List.of("batches"))
                    .summary("A batch's state: its jobs counted by state, the fraction done, each image's job");
            ApiDocumentation.errors(op, UNKNOWN_JOB, INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
        ApiDocumentation.operation(api, RESULT, PathItem.HttpMethod.GET, op -> {
            op.operationId("getBatchResult").tags(List.of("batches"))
                    .summary("Every image's result once every job has ended: a JSON array, or a zip of PNG or .npy files")
                    .description("""
                            JSON: an array in the images' order, each element the image's result as \
                            GET /v1/jobs/{id}/result gives it, or the problem of a job that failed, was cancelled or \
                            expired. `Accept: application/zip` or `format=zip`: a zip with one file per map, named \
                            `<index>-<file name>-<class>.png` (or `.npy` with `item=npy`), and `manifest.json` \
                            telling which file is which image and target and why an image has none. The rendering \
                            parameters draw the PNGs (and `heatmap=true` adds them to the JSON).""");
            ApiDocumentation.removeAcceptHeader(op);
            ApiDocumentation.formParameters(op, List.of(), Rendering.fields());
            for (Parameter parameter : op.getParameters()) {
                switch (parameter.getName()) {
                    case "format" -> parameter.description("json or zip; wins over Accept")
                            .getSchema().setEnum(new ArrayList<>(List.of("json", "zip")));
                    case "item" -> parameter.description("What each map is in the zip: png or npy")
                            .getSchema().setEnum(new ArrayList<>(List.of("png", "npy")));
                    default -> { }
                }
            }
            Schema<?> element = new Schema<>().oneOf(List.of(
                    new Schema<>().$ref("#/components/schemas/ExplanationResponse"),
                    new Schema<>().$ref("#/components/schemas/ProblemDetail")));
            op.getResponses().get("200").description("The results in the images' order").content(new Content()
                    .addMediaType(ApiDocumentation.JSON, new MediaType().schema(new ArraySchema().items(element)))
                    .addMediaType(BatchController.ZIP, new MediaType()
                            .schema(new BinarySchema().description("One PNG or .npy per map, and manifest.json"))));
            ApiDocumentation.errors(op, INVALID_PARAMETER, UNKNOWN_JOB, NOT_ACCEPTABLE, JOB_NOT_FINISHED,
                    INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
        ApiDocumentation.operation(api, "/v1/batches/{id}/events", PathItem.HttpMethod.GET, op -> {
            op.operationId("batchEvents").tags(List.of("batches"))
                    .summary("Follow a batch as Server-Sent Events")
                    .description("""
                            `status` events carry the batch (as GET /v1/batches/{id}): first as it is now, last once \
                            every job has ended, after which the stream ends. Between them, `progress` events \
                            carry the state summed over the images whenever it changes:

                                event:progress
                                data:{"status":"RUNNING","counts":{"queued":1,"running":1,"succeeded":1,"failed":0,"cancelled":0},"progress":0.52}
                            """);
            op.getResponses().get("200").description("An event stream that ends with the batch").content(new Content()
                    .addMediaType("text/event-stream", new MediaType()
                            .schema(new BinarySchema().description("Server-Sent Events: `status` and `progress`"))));
            ApiDocumentation.errors(op, UNKNOWN_JOB, INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
        api.getComponents().getSchemas().remove("SseEmitter");
    }
}
