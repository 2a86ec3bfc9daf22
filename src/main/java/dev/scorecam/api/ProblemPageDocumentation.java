package dev.scorecam.api;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.scorecam.problem.ProblemType;

/** {@code GET /problems/{slug}} in the OpenAPI document: open to all, HTML or JSON, 404 for an unknown slug. */
@Component
@Order(1) // after ApiDocumentation, whose components it refers to
class ProblemPageDocumentation implements OpenApiCustomizer {

    @Override
    public void customise(OpenAPI api) {
        List<Tag> tags = new ArrayList<>(api.getTags());
        tags.add(new Tag().name("problems").description("What each problem type means and what to do about it"));
        api.tags(tags);
        ModelConverters.getInstance().readAll(ProblemPageController.ProblemTypePage.class)
                .forEach(api.getComponents()::addSchemas);
        ApiDocumentation.operation(api, "/problems/{slug}", PathItem.HttpMethod.GET, op -> {
            op.operationId("getProblemType").tags(List.of("problems"))
                    .summary("A problem type's page: its title, status and what to do")
                    .description("What a problem's `type` resolves to: HTML when the client asks for text/html "
                            + "(a browser), JSON otherwise. Needs no credentials in any security mode.")
                    .security(List.of());
            op.getParameters().removeIf(parameter -> "header".equals(parameter.getIn()));
            op.getResponses().get("200").description("The problem type's page").content(new Content()
                    .addMediaType(ApiDocumentation.JSON, new MediaType()
                            .schema(new Schema<>().$ref("#/components/schemas/ProblemTypePage")))
                    .addMediaType("text/html", new MediaType().schema(new StringSchema())));
            ApiDocumentation.errors(op, ProblemType.NOT_FOUND, ProblemType.INTERNAL_ERROR);
        });
    }
}
