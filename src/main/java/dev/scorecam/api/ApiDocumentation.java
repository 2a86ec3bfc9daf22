package dev.scorecam.api;

import static dev.scorecam.problem.ProblemType.*;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

import dev.scorecam.cam.BoxRule;
import dev.scorecam.cam.MethodCatalogue;
import dev.scorecam.cam.MethodParameter;
import dev.scorecam.problem.ProblemType;

/**
 * The OpenAPI document beyond what springdoc reads from the controllers: operation ids and
 * descriptions, the PNG/JSON/SSE content of each response, and every problem each operation can
 * answer with. Kept here so that the controllers stay plain; the committed contract
 * (src/main/resources/openapi.yaml) and its drift test keep the two in step.
 */
@Component
@Order(0) // before security.SecurityDocumentation, which adds 401/403/429 and sorts the responses
class ApiDocumentation implements OpenApiCustomizer {

    static final String PROBLEM_JSON = "application/problem+json";
    static final String JSON = "application/json";
    static final String PNG = "image/png";
    static final String NPY = NpyFormat.MEDIA_TYPE_VALUE;
    private static final String EXAMPLES = "#/components/examples/";
    /**
     * The answer to an operation that does not exist: the contract would hold its example unused
     * (docs/api.md and its page at /problems/method-not-allowed describe it).
     */
    static final Set<ProblemType> NO_OPERATION_ANSWERS = EnumSet.of(METHOD_NOT_ALLOWED);

    private static final String RENDERING = """
            Rendering of the PNG (and of heatmapPng in JSON): `colormap` (jet, turbo, viridis, inferno, gray), \
            `overlay` (over the original image, or the map alone) and `alpha` (opacity of the map).""";

    @Override
    public void customise(OpenAPI api) {
        api.info(new Info()
                .title("Score-CAM server")
                .version("v1")
                .license(new License().name("Apache-2.0").identifier("Apache-2.0"))
                .description("""
                        Score-CAM saliency maps for image classifiers and object detectors. Upload an image \
                        (PNG, JPEG, GIF, BMP, WebP or TIFF, \
                        sniffed from its bytes) and get, for each target class, a map of where the model looked: \
                        as a PNG heatmap, or as JSON with the raw float32 map. Long jobs can run asynchronously \
                        under /v1/jobs and be followed as Server-Sent Events.

                        Every error is an RFC 9457 problem (`application/problem+json`) whose `type` \
                        (`/problems/<slug>`) is stable: branch on it, not on the text. See docs/api.md."""))
                // Relative: each server serves this document (/v3/api-docs) and the API it describes
                .servers(List.of(new Server().url("/").description("The server that serves this document")))
                .tags(List.of(
                        new Tag().name("models").description("The models this server explains"),
                        new Tag().name("methods").description("The CAM methods, their cost and parameters"),
                        new Tag().name("explanations").description("Synchronous explanations: the answer is the map"),
                        new Tag().name("detections").description("A detector's boxes of an image, to explain one of them"),
                        new Tag().name("jobs").description("Asynchronous explanations: submit, poll or follow, fetch, cancel"),
                        new Tag().name(KServeDocumentation.TAG).description("KServe's V1 explain and the Open Inference "
                                + "Protocol's health and metadata, for an InferenceService's explainer")));
        api.getComponents().addSchemas("ProblemDetail", problemSchema());
        problemExamples(api.getComponents());
        ModelConverters.getInstance().readAll(ExplanationResponse.class).forEach(api.getComponents()::addSchemas);
        examples(api.getComponents().getSchemas());
        api.getComponents().getSchemas().remove("SseEmitter");

        operation(api, "/v1/models", PathItem.HttpMethod.GET, op -> {
            op.operationId("listModels").tags(List.of("models")).summary("The models served, with their input format and labels");
            jsonOnly(op);
            errors(op, INTERNAL_ERROR);
        });
        operation(api, "/v1/models/{model}", PathItem.HttpMethod.GET, op -> {
            op.operationId("getModel").tags(List.of("models")).summary("One model: input format, labels, target layer");
            jsonOnly(op);
            errors(op, UNKNOWN_MODEL, INTERNAL_ERROR);
        });
        operation(api, "/v1/methods", PathItem.HttpMethod.GET, op -> {
            op.operationId("listMethods").tags(List.of("methods"))
                    .summary("The CAM methods (`method=`), what each costs and the parameters it takes");
            jsonOnly(op);
            errors(op, INTERNAL_ERROR);
        });
        operation(api, "/v1/models/{model}/explanations", PathItem.HttpMethod.POST, op -> {
            op.operationId("explain").tags(List.of("explanations"))
                    .summary("Explain an image: CAM maps for its target classes")
                    .description("""
                            Queues the explanation and waits for it, up to the request timeout (504, and the job is \
                            cancelled). With `Accept: image/png` the answer is the first target's heatmap at the \
                            image's own resolution, its class in the `Scorecam-Target` header; with \
                            `Accept: application/x-npy` the first target's raw map as a NumPy .npy file; otherwise \
                            JSON with every target's map. The parameters may also be sent as form fields. A \
                            detector (`task: detection`) explains one box: `detection=<index>` of its detections \
                            of the image (default 0, the best), or `box=x0,y0,x1,y1` with one `target`; the PNG \
                            outlines the box and JSON carries it with the matched detection (docs/api.md, Detectors).
                            """ + RENDERING);
            removeAcceptHeader(op);
            formParameters(op, ExplanationForm.fields(), Rendering.fields());
            explanationContent(op.getResponses().get("200"));
            conditional(op, "an identical request");
            errors(op, INVALID_REQUEST, INVALID_PARAMETER, INVALID_IMAGE, UNKNOWN_METHOD, METHOD_UNSUPPORTED,
                    UNKNOWN_TARGET, TOO_MANY_TARGETS, NOT_A_DETECTOR, INVALID_BOX, BOX_OUTSIDE_IMAGE, UNKNOWN_DETECTION,
                    UNKNOWN_MODEL, NOT_ACCEPTABLE, UPLOAD_TOO_LARGE, IMAGE_TOO_LARGE,
                    UNSUPPORTED_IMAGE, UNSUPPORTED_MEDIA_TYPE, INFERENCE_FAILED, INTERNAL_ERROR, QUEUE_FULL,
                    SHUTTING_DOWN, TIMEOUT, JOB_ABANDONED, JOB_UNREADABLE, BACKEND_UNAVAILABLE, NO_COMPATIBLE_WORKER);
        });
        operation(api, "/v1/models/{model}/detections", PathItem.HttpMethod.POST, op -> {
            op.operationId("detect").tags(List.of("detections"))
                    .summary("A detector's detections of an image: boxes in the image's own pixels, best first")
                    .description("""
                            Runs the detector once on the image (resized to its input as for an explanation) and \
                            answers its detections with their boxes carried back to the uploaded image's pixels \
                            through the same geometry as the maps, each with its class, score and index. Explain one \
                            with `detection=<index>` on the same image, or any box with `box=x0,y0,x1,y1` and \
                            `target`. Only for a model whose task is detection.""");
            formParameters(op, DetectionForm.fields(), List.of());
            parameter(op, "min-score").description("Leave out detections scored below it (0 to 1)");
            errors(op, INVALID_REQUEST, INVALID_PARAMETER, INVALID_IMAGE, NOT_A_DETECTOR, UNKNOWN_MODEL,
                    UPLOAD_TOO_LARGE, IMAGE_TOO_LARGE, UNSUPPORTED_IMAGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL_ERROR);
        });
        operation(api, "/v1/jobs", PathItem.HttpMethod.POST, op -> {
            op.operationId("submitJob").tags(List.of("jobs"))
                    .summary("Submit an explanation to run asynchronously")
                    .description("""
                            Checks the request and decodes the image at once (client errors answer here), then \
                            queues it: 202 with the job and its links, `Location` naming it. The parameters may \
                            also be sent as form fields. Rendering is chosen when the result is fetched. \
                            `progressive=true` scores the channels by activation variance, largest first, and \
                            publishes each target's map so far as a `partial` event after each batch; the result \
                            is the same exact map.""");
            ApiResponse accepted = op.getResponses().remove("200")
                    .description("Queued")
                    .addHeaderObject("Location", header("The job: /v1/jobs/{id}"));
            op.getResponses().addApiResponse("202", accepted);
            formParameters(op, ExplanationForm.fields(), List.of());
            errors(op, INVALID_REQUEST, INVALID_PARAMETER, INVALID_IMAGE, UNKNOWN_METHOD, METHOD_UNSUPPORTED,
                    UNKNOWN_TARGET, TOO_MANY_TARGETS, NOT_A_DETECTOR, INVALID_BOX, BOX_OUTSIDE_IMAGE, UNKNOWN_DETECTION,
                    UNKNOWN_MODEL, UPLOAD_TOO_LARGE, IMAGE_TOO_LARGE, UNSUPPORTED_IMAGE,
                    UNSUPPORTED_MEDIA_TYPE, INTERNAL_ERROR, QUEUE_FULL, SHUTTING_DOWN, BACKEND_UNAVAILABLE,
                    NO_COMPATIBLE_WORKER);
        });
        operation(api, "/v1/jobs/{id}", PathItem.HttpMethod.GET, op -> {
            op.operationId("getJob").tags(List.of("jobs"))
                    .summary("A job's state: its place in the queue while QUEUED, progress while RUNNING");
            errors(op, UNKNOWN_JOB, INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
        operation(api, "/v1/jobs/{id}", PathItem.HttpMethod.DELETE, op -> {
            op.operationId("cancelJob").tags(List.of("jobs"))
                    .summary("Cancel a job: a queued one ends at once (200), a running one at its next batch (202)");
            ApiResponse ok = op.getResponses().get("200").description("The job has ended");
            op.getResponses().addApiResponse("202", new ApiResponse()
                    .description("The job is stopping; it ends CANCELLED at its next batch")
                    .content(ok.getContent()));
            errors(op, UNKNOWN_JOB, INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
        operation(api, "/v1/jobs/{id}/result", PathItem.HttpMethod.GET, op -> {
            op.operationId("getJobResult").tags(List.of("jobs"))
                    .summary("The result of a SUCCEEDED job, as PNG or JSON like the synchronous endpoint")
                    .description("A job that failed or was cancelled answers with its problem. " + RENDERING);
            removeAcceptHeader(op);
            formParameters(op, List.of(), Rendering.fields());
            explanationContent(op.getResponses().get("200"));
            conditional(op, "this job's result in the same rendering");
            errors(op, INVALID_PARAMETER, UNKNOWN_JOB, NOT_ACCEPTABLE, JOB_NOT_FINISHED, JOB_CANCELLED,
                    INFERENCE_FAILED, INTERNAL_ERROR, SHUTTING_DOWN, TIMEOUT, JOB_ABANDONED, JOB_UNREADABLE,
                    BACKEND_UNAVAILABLE);
        });
        operation(api, "/v1/jobs/{id}/events", PathItem.HttpMethod.GET, op -> {
            op.operationId("jobEvents").tags(List.of("jobs"))
                    .summary("Follow a job as Server-Sent Events")
                    .description("""
                            `status` events carry the job (as GET /v1/jobs/{id}): first its state now, last its \
                            final state, after which the stream ends. `progress` events carry `{"done":n,"total":m}` \
                            between batches. For example:

                                event:status
                                data:{"id":"5f0c...","model":"fashion-cnn","status":"RUNNING",...}

                                event:progress
                                data:{"done":32,"total":61}

                            A progressive job (`progressive=true`) also sends, after each `progress`, one `partial` \
                            event per target: the map from the channels scored so far, unscored ones weighted as \
                            if their score equalled the baseline's (the last one is the exact map):

                                event:partial
                                data:{"target":{"index":7,"label":"Sneaker"},"width":96,"height":96,"dtype":"float32","encoding":"base64","data":"...","allZero":false,"done":32,"total":61}

                                event:status
                                data:{"id":"5f0c...","model":"fashion-cnn","status":"SUCCEEDED",...}
                            """);
            op.getResponses().get("200").description("An event stream that ends with the job").content(new Content()
                    .addMediaType("text/event-stream", new MediaType()
                            // Raw octets: generated clients hand the stream over as it is, not as JSON.
                            .schema(new BinarySchema().description("Server-Sent Events: `status`, `progress` and `partial`"))));
            errors(op, UNKNOWN_JOB, INTERNAL_ERROR, BACKEND_UNAVAILABLE);
        });
    }

    static void operation(OpenAPI api, String path, PathItem.HttpMethod method, Consumer<Operation> edit) {
        PathItem item = api.getPaths().get(path);
        Operation operation = item == null ? null : item.readOperationsMap().get(method);
        if (operation == null) {
            throw new IllegalStateException("no " + method + " " + path + " to document");
        }
        edit.accept(operation);
    }

    /**
     * The request forms' fields as query parameters (they may also be form fields), after the
     * operation's first parameter (the model or the job), from their declarations; the methods'
     * parameters with the catalogue's descriptions, defaults and bounds.
     */
    static void formParameters(Operation op, List<FormField<?>> form, List<FormField<?>> rendering) {
        op.getParameters().addAll(1, Stream.concat(form.stream(), rendering.stream())
                .map(field -> new Parameter().name(field.name()).in("query").required(false).schema(schema(field)))
                .toList());
        for (Parameter parameter : op.getParameters()) {
            if (parameter.getName().equals("box")) {
                parameter.description("A detector's box to explain, x0,y0,x1,y1 in the image's pixels, with one "
                        + "`target`: the class whose detection on the box is scored (docs/api.md, Detectors)");
            }
            if (parameter.getName().equals("detection")) {
                parameter.description("A detector's detection of the image to explain, by its index in "
                        + "POST /v1/models/{model}/detections (0, the best, when neither box nor detection is given)");
            }
            if (parameter.getName().equals("box-rule")) {
                parameter.description("How a masked input's detections score a detector's box: `overlap` (the "
                        + "default), the best score x IoU of its class's detections; `match`, the score of the one "
                        + "overlapping it best with IoU >= 0.5, else 0 (docs/api.md, Detectors)");
                parameter.getSchema().setEnum(new ArrayList<>(Arrays.stream(BoxRule.values())
                        .map(rule -> rule.name().toLowerCase(Locale.ROOT)).toList()));
            }
            if (parameter.getName().equals("method")) {
                parameter.description("The CAM method; GET /v1/methods describes each")
                        .getSchema().setDefault(MethodCatalogue.DEFAULT);
                parameter.getSchema().setEnum(new ArrayList<>(MethodCatalogue.names()));
            }
            MethodCatalogue.parameter(parameter.getName()).ifPresent(p -> {
                List<String> takers = MethodCatalogue.methods().stream()
                        .filter(m -> m.parameters().contains(p)).map(MethodCatalogue.Method::name).toList();
                Schema<?> schema = parameter.getSchema();
                parameter.description(String.join(", ", takers) + " only: " + p.description());
                schema.setDefault(p.defaultValue());
                if (p.type() == MethodParameter.Type.CHOICE) {
                    parameter.getSchema().setEnum(new ArrayList<>(p.values()));
                } else {
                    schema.setMinimum(new BigDecimal(p.minimum().toString()));
                    schema.setMaximum(new BigDecimal(p.maximum().toString()));
                }
            });
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema schema(FormField<?> field) {
        Class<?> type = field.type().getType();
        Schema schema;
        if (List.class.isAssignableFrom(type)) {
            schema = new ArraySchema().items(new StringSchema());
        } else if (type == Integer.class) {
            schema = new IntegerSchema();
        } else if (type == Long.class) {
            schema = new IntegerSchema().format("int64");
        } else if (type == Double.class) {
            schema = new NumberSchema().format("double");
        } else if (type == Float.class) {
            schema = new NumberSchema().format("float");
        } else if (type == Boolean.class) {
            schema = new BooleanSchema();
        } else {
            schema = new StringSchema();
        }
        if (field.defaultValue() != null) {
            schema.setDefault(field.defaultValue());
        }
        return schema;
    }

    private static Parameter parameter(Operation op, String name) {
        return op.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no parameter " + name + " in " + op.getOperationId()));
    }

    /** Controllers without {@code produces} show up as any type; they answer JSON. */
    static void jsonOnly(Operation op) {
        ApiResponse ok = op.getResponses().get("200");
        MediaType any = ok.getContent().remove("*/*");
        if (any != null) {
            ok.getContent().addMediaType(JSON, any);
        }
    }

    /** The Accept header chooses among the response types; it is no parameter of its own. */
    static void removeAcceptHeader(Operation op) {
        if (op.getParameters() != null) {
            op.getParameters().removeIf(p -> "header".equals(p.getIn()) && "Accept".equalsIgnoreCase(p.getName()));
        }
    }

    /**
     * The answer cache's conditional request (docs/api.md, Caching): 304 for an If-None-Match that
     * holds the answer's ETag. The header is described here rather than as a parameter, so that
     * generated clients keep their methods' signatures (any HTTP client can send it).
     */
    private static void conditional(Operation op, String sameAnswer) {
        op.getResponses().addApiResponse("304", new ApiResponse()
                .description("Not modified: the request's If-None-Match header holds the ETag of " + sameAnswer
                        + ", which the client has; nothing is computed and there is no body")
                .addHeaderObject(HttpHeaders.ETAG, header("The answer's strong ETag")));
    }

    private static void explanationContent(ApiResponse ok) {
        ok.description("The explanation: JSON unless the client prefers image/png")
                .addHeaderObject("Scorecam-Target", header("With image/png: the class index the heatmap shows")
                        .schema(new IntegerSchema()))
                .addHeaderObject(HttpHeaders.ETAG, header("A strong ETag of the answer, the hash of the request that made "
                        + "it (unless scorecam.cache.enabled is false)"))
                .content(new Content()
                        .addMediaType(JSON, new MediaType()
                                .schema(new Schema<>().$ref("#/components/schemas/ExplanationResponse")))
                        .addMediaType(PNG, new MediaType()
                                .schema(new BinarySchema().description("The first target's heatmap, at the image's resolution")))
                        .addMediaType(NPY, new MediaType()
                                .schema(new BinarySchema().description("The first target's raw map as a NumPy .npy file: "
                                        + "float32 little-endian, shape (height, width) at the model's input resolution, in [0,1]"))));
    }

    /** The problems an operation answers with, by status; each example is the catalogue's, by reference. */
    static void errors(Operation op, ProblemType... types) {
        ApiResponses responses = op.getResponses();
        Map<Integer, List<ProblemType>> byStatus = Arrays.stream(types)
                .collect(Collectors.groupingBy(ProblemType::status, LinkedHashMap::new, Collectors.toList()));
        byStatus.forEach((status, problems) -> {
            MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/ProblemDetail"));
            problems.forEach(type -> media.addExamples(type.slug(), new Example().$ref(EXAMPLES + type.slug())));
            ApiResponse response = new ApiResponse()
                    .description(String.join(", ", problems.stream().map(type -> type.type().toString()).toList()))
                    .content(new Content().addMediaType(PROBLEM_JSON, media));
            List<String> retried = problems.stream()
                    .filter(type -> type == ProblemType.QUEUE_FULL || type == ProblemType.NO_COMPATIBLE_WORKER)
                    .map(ProblemType::slug).toList();
            if (!retried.isEmpty()) {
                response.addHeaderObject("Retry-After", header("With " + String.join(" or ", retried)
                        + ": seconds after which to try again").schema(new IntegerSchema()));
            }
            responses.addApiResponse(Integer.toString(status), response);
        });
    }

    /** Every problem type once, but those no operation can answer. */
    private static void problemExamples(Components components) {
        for (ProblemType type : ProblemType.values()) {
            if (NO_OPERATION_ANSWERS.contains(type)) {
                continue;
            }
            components.addExamples(type.slug(), new Example().summary(type.title()).value(exampleBody(type)));
        }
    }

    /** Examples of the JSON bodies, abridged (saliency data is 96x96 float32 in base64). */
    private static void examples(Map<String, Schema> schemas) {
        schemas.get("ModelInfo").example(ordered(
                "name", "fashion-cnn",
                "task", "classification",
                "engine", "torchscript",
                "methods", MethodCatalogue.names(),
                "input", ordered("width", 96, "height", 96, "mean", List.of(0.0, 0.0, 0.0), "std", List.of(1.0, 1.0, 1.0),
                        "resize", "stretch"),
                "labels", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                        "Bag", "Ankle boot"),
                "targetLayer", "body.9",
                "channels", 64,
                "activations", ordered("width", 12, "height", 12),
                "device", "cpu()",
                "batchSize", 64));
        schemas.get("ExplanationResponse").example(ordered(
                "model", "fashion-cnn",
                "method", "scorecam",
                "parameters", ordered(),
                "score", "logit",
                "predictions", List.of(ordered("index", 7, "label", "Sneaker", "probability", 0.98),
                        ordered("index", 5, "label", "Sandal", "probability", 0.01)),
                "explanations", List.of(ordered(
                        "target", ordered("index", 7, "label", "Sneaker"),
                        "saliency", ordered("width", 96, "height", 96, "dtype", "float32", "encoding", "base64",
                                "data", "AAAAAAAAAAA...", "allZero", false))),
                "stats", ordered("channels", 64, "liveChannels", 60, "forwardPasses", 62, "backwardPasses", 0, "headPasses", 0,
                        "batchSize", 64,
                        "computeMillis", 41)));
        schemas.get("DetectionResponse").example(ordered(
                "model", "fashion-detector",
                "width", 384,
                "height", 256,
                "detections", List.of(
                        ordered("index", 0, "box", ordered("x0", 87.75, "y0", 35.42, "x1", 158.09, "y1", 163.68),
                                "classIndex", 1, "label", "Trouser", "score", 0.75),
                        ordered("index", 1, "box", ordered("x0", 210.87, "y0", 163.75, "x1", 370.06, "y1", 210.34),
                                "classIndex", 7, "label", "Sneaker", "score", 0.6)),
                "stats", ordered("computeMillis", 4)));
        schemas.get("JobView").example(ordered(
                "id", "5f0c7d3e-8a4b-4c1e-9f7a-2b6d1e0c9a11",
                "model", "fashion-cnn",
                "status", "RUNNING",
                "progress", ordered("done", 32, "total", 60),
                "submittedAt", "2026-01-01T12:00:00Z",
                "startedAt", "2026-01-01T12:00:01Z",
                "links", ordered("self", "/v1/jobs/5f0c7d3e-8a4b-4c1e-9f7a-2b6d1e0c9a11",
                        "result", "/v1/jobs/5f0c7d3e-8a4b-4c1e-9f7a-2b6d1e0c9a11/result",
                        "events", "/v1/jobs/5f0c7d3e-8a4b-4c1e-9f7a-2b6d1e0c9a11/events")));
    }

    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** In the order of RFC 9457, so that the served document is the same on every run. */
    private static Map<String, Object> exampleBody(ProblemType type) {
        ProblemDetail problem = ProblemExamples.of(type);
        if (problem.getStatus() != type.status() || !type.type().equals(problem.getType())) {
            throw new IllegalStateException("the example of " + type + " is a " + problem.getStatus() + " " + problem.getType());
        }
        return ordered("type", problem.getType().toString(), "title", problem.getTitle(), "status", problem.getStatus(),
                "detail", problem.getDetail());
    }

    static Header header(String description) {
        return new Header().description(description).schema(new StringSchema());
    }

    /** RFC 9457, as Spring writes it: extra members sit beside the standard ones. */
    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details; `type` is stable per kind of problem")
                .addProperty("type", new StringSchema().format("uri-reference").example("/problems/unknown-model"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .required(List.of("type", "title", "status"));
    }
}
