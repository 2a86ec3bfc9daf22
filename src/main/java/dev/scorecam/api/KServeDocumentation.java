package dev.scorecam.api;

import static dev.scorecam.problem.ProblemType.*;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The contract of the KServe endpoints ({@link KServeController}, {@link OpenInferenceController}):
 * the V1 request body, which the controller reads itself, and the problems each can answer with.
 */
@Component
@Order(1) // after ApiDocumentation (whose problem examples it refers to), before security.SecurityDocumentation
class KServeDocumentation implements OpenApiCustomizer {

    static final String TAG = "kserve";

    @Override
    public void customise(OpenAPI api) {
        api.getComponents().addSchemas("KServeRequest", requestSchema());
        ApiDocumentation.operation(api, KServeController.PATH, PathItem.HttpMethod.POST, op -> {
            op.operationId("kserveExplain").tags(List.of(TAG))
                    .summary("Explain images sent as KServe's V1 protocol: {\"instances\": [...]}")
                    .description("""
                            One explanation per instance, in order, each a synchronous explanation (its own job, \
                            the same checks and limits; at most `scorecam.limits.max-targets` instances). An \
                            instance is an image in base64: `{"data": "<b64>"}`, `{"image_bytes": {"b64": "<b64>"}}`, \
                            `{"b64": "<b64>"}` or the string itself; it may name its `target` (an index, a label \
                            or a list) and a `key`, given back with its explanation. The fields of \
                            POST /v1/models/{model}/explanations (method, top-k, score, the methods' parameters, \
                            metrics) come from the body's `parameters`, else from the query. Each map is \
                            nested arrays, `saliency[y][x]` in [0,1] at the model's input resolution.""");
            op.requestBody(new RequestBody().required(true).content(new Content().addMediaType(ApiDocumentation.JSON,
                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/KServeRequest")))));
            ApiDocumentation.formParameters(op, ExplanationForm.fields(), List.of());
            ApiDocumentation.errors(op, INVALID_REQUEST, INVALID_PARAMETER, INVALID_IMAGE, UNKNOWN_METHOD,
                    METHOD_UNSUPPORTED, UNKNOWN_TARGET, TOO_MANY_TARGETS, UNKNOWN_MODEL, NOT_ACCEPTABLE,
                    UPLOAD_TOO_LARGE, IMAGE_TOO_LARGE, UNSUPPORTED_IMAGE, UNSUPPORTED_MEDIA_TYPE, INFERENCE_FAILED,
                    INTERNAL_ERROR, QUEUE_FULL, SHUTTING_DOWN, TIMEOUT, JOB_ABANDONED, BACKEND_UNAVAILABLE);
        });
        probe(api, "/v2/health/live", "serverLive", "Live: the actuator's liveness group is UP (503 when not)");
        probe(api, "/v2/health/ready", "serverReady",
                "Ready: the actuator's readiness group is UP, every model loaded and the queue reachable (503 when not)");
        ApiDocumentation.operation(api, "/v2/models/{model}", PathItem.HttpMethod.GET, op -> {
            op.operationId("modelMetadata").tags(List.of(TAG))
                    .summary("A model's metadata as the Open Inference Protocol gives it: platform, input and output tensors");
            ApiDocumentation.jsonOnly(op);
            ApiDocumentation.errors(op, UNKNOWN_MODEL, NOT_ACCEPTABLE, INTERNAL_ERROR);
        });
        ApiDocumentation.operation(api, "/v2/models/{model}/ready", PathItem.HttpMethod.GET, op -> {
            op.operationId("modelReady").tags(List.of(TAG))
                    .summary("Whether a model is ready: it is loaded and warmed, and the server ready (503 when not)");
            unavailableToo(op.getResponses().get("200"), op);
            ApiDocumentation.errors(op, UNKNOWN_MODEL, NOT_ACCEPTABLE, INTERNAL_ERROR);
        });
    }

    private static void probe(OpenAPI api, String path, String id, String summary) {
        ApiDocumentation.operation(api, path, PathItem.HttpMethod.GET, op -> {
            op.operationId(id).tags(List.of(TAG)).summary(summary)
                    .description("Needs no credentials in any security mode: it is for the probes.")
                    .security(List.of());
            unavailableToo(op.getResponses().get("200"), op);
            ApiDocumentation.errors(op, NOT_ACCEPTABLE);
        });
    }

    /** The same body with 503, when the answer is false. */
    private static void unavailableToo(ApiResponse ok, io.swagger.v3.oas.models.Operation op) {
        MediaType json = ok.getContent().remove("*/*");
        if (json != null) {
            ok.getContent().addMediaType(ApiDocumentation.JSON, json);
        }
        ok.description("Yes");
        op.getResponses().addApiResponse("503", new ApiResponse().description("No: the same body, false")
                .content(ok.getContent()));
    }

    /**
     * KServe's V1 request, with the image shapes its documented examples send. Without oneOf, so
     * that generated clients stay plain: the bare base64 string and a target list are in the text.
     */
    private static Schema<?> requestSchema() {
        Schema<?> base64 = new StringSchema().format("byte").description("An image file (PNG, JPEG, ...) in base64");
        Schema<?> instance = new ObjectSchema()
                .addProperty("data", base64)
                .addProperty("image_bytes", new ObjectSchema().addProperty("b64", base64).required(List.of("b64")))
                .addProperty("b64", base64)
                .addProperty("target", new Schema<>().description(
                        "A class index or label, or a list of them; none: the top class (or top-k)"))
                .addProperty("key", new StringSchema().description("Given back with this instance's explanation"))
                .description("One of data, image_bytes.b64 or b64 holds the image; the base64 string alone is an "
                        + "instance too");
        // A plain schema of type object: ObjectSchema would write its example as a string.
        return new Schema<>().type("object")
                .description("KServe's V1 protocol request (the example's image abridged)")
                .addProperty("instances", new ArraySchema().minItems(1).items(instance))
                .addProperty("parameters", new ObjectSchema().additionalProperties(true).description(
                        "The fields of POST /v1/models/{model}/explanations by name (method, top-k, score, ...); "
                                + "they take the place of the same query parameters"))
                .required(List.of("instances"))
                .example(ApiDocumentation.ordered(
                        "instances", List.of(ApiDocumentation.ordered("data", "iVBORw0KGgoAAAANSUhEUgAAABwAAAAc", "target", 7)),
                        "parameters", ApiDocumentation.ordered("method", "gradcam")));
    }
}
