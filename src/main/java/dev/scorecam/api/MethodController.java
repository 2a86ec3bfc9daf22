package dev.scorecam.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.scorecam.cam.MethodCatalogue;

/** The CAM methods a request may ask for, with their cost and parameters. */
@RestController
class MethodController {

    /**
     * A method's parameter: {@code type} is integer, number or string; {@code default} may be null.
     * A number has its {@code minimum} and {@code maximum}, a string the values it may take ({@code enum}).
     */
    record ParameterView(String name, String type, @JsonProperty("default") Object defaultValue,
            @JsonInclude(JsonInclude.Include.NON_NULL) Number minimum,
            @JsonInclude(JsonInclude.Include.NON_NULL) Number maximum,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("enum") List<String> values,
            String description) {}

    /** @param cost what one explanation costs, in passes through the network */
    record MethodView(String name, String title, String description, String cost, List<ParameterView> parameters) {

        static MethodView of(MethodCatalogue.Method method) {
            return new MethodView(method.name(), method.title(), method.description(), method.cost(),
                    method.parameters().stream().map(p -> new ParameterView(p.name(), p.type().json(), p.defaultValue(),
                            p.minimum(), p.maximum(), p.values(), p.description())).toList());
        }
    }

    @GetMapping("/v1/methods")
    List<MethodView> list() {
        return MethodCatalogue.methods().stream().map(MethodView::of).toList();
    }
}
