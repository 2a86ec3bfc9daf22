package dev.scorecam.security;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.scorecam.problem.ProblemType;

/**
 * The contract's side of this package: the two ways to send credentials (an API key in
 * {@code X-API-Key}, or a key or JWT as {@code Authorization: Bearer}) required by every
 * {@code /v1} and {@code /v2/models} operation, and the problems any of them may answer before its own work:
 * 401, 403, 429 with their headers, and 503 when the identity provider or the limits' store is out of
 * reach. Runs after the API's own documentation, and puts each operation's
 * responses in status order.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SecurityDocumentation implements OpenApiCustomizer {

    static final String API_KEY = "ApiKey";
    static final String BEARER = "Bearer";
    private static final String EXAMPLES = "#/components/examples/";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public void customise(OpenAPI api) {
        api.getComponents()
                .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER).name(ApiKeyAuthenticationFilter.HEADER)
                        .description("An API key (scorecam.security.mode=api-key). Not needed when the server runs "
                                + "with scorecam.security.mode=none, the default."))
                .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An API key (mode api-key) or a JWT (mode jwt) as Authorization: Bearer."));
        api.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/v1/") && !path.startsWith("/v2/models/")) {
                return;
            }
            item.readOperations().forEach(SecurityDocumentation::secure);
        });
    }

    private static void secure(Operation op) {
        op.security(List.of(new SecurityRequirement().addList(API_KEY), new SecurityRequirement().addList(BEARER)));
        ApiResponses responses = op.getResponses();
        responses.addApiResponse("401", problem(ProblemType.UNAUTHENTICATED)
                .addHeaderObject("WWW-Authenticate", header("Bearer realm=\"scorecam\", with error=\"invalid_token\" "
                        + "when credentials were sent but refused")));
        responses.addApiResponse("403", problem(ProblemType.FORBIDDEN));
        responses.addApiResponse("429", problem(ProblemType.RATE_LIMITED)
                .addHeaderObject("Retry-After", header("Seconds after which to try again").schema(new IntegerSchema()))
                .addHeaderObject("RateLimit-Policy", header("The limit that was hit, e.g. \"requests\";q=60;w=60"))
                .addHeaderObject("RateLimit", header("What is left of it, e.g. \"requests\";r=0;t=21")));
        unavailable(responses);
        Map<String, ApiResponse> sorted = new TreeMap<>(responses);
        responses.clear();
        sorted.forEach(responses::addApiResponse);
    }

    /**
     * 503 backend-unavailable: the credentials could not be checked because the identity provider
     * (its discovery document or signing keys) is out of reach, or the limits' store is. Added to
     * an operation's own 503 where it has one.
     */
    private static void unavailable(ApiResponses responses) {
        ProblemType type = ProblemType.BACKEND_UNAVAILABLE;
        ApiResponse own = responses.get(Integer.toString(type.status()));
        if (own == null) {
            responses.addApiResponse(Integer.toString(type.status()), problem(type));
            return;
        }
        MediaType media = own.getContent().get(PROBLEM_JSON);
        if (media == null) { // an own 503 of another kind (the OIP probes' false): the problem is a second content type
            Content content = new Content();
            own.getContent().forEach(content::addMediaType);
            content.addMediaType(PROBLEM_JSON, problem(type).getContent().get(PROBLEM_JSON));
            // a copy: the own response object may be shared with another status
            responses.addApiResponse(Integer.toString(type.status()), new ApiResponse()
                    .description(own.getDescription() + "; " + type.type()).headers(own.getHeaders()).content(content));
            return;
        }
        if (media.getExamples() == null || !media.getExamples().containsKey(type.slug())) {
            media.addExamples(type.slug(), new Example().$ref(EXAMPLES + type.slug()));
            own.description(own.getDescription() + ", " + type.type());
        }
    }

    private static ApiResponse problem(ProblemType type) {
        return new ApiResponse().description(type.type().toString()).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/ProblemDetail"))
                        .addExamples(type.slug(), new Example().$ref(EXAMPLES + type.slug()))));
    }

    private static Header header(String description) {
        return new Header().description(description).schema(new StringSchema());
    }
}
