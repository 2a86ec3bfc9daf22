package dev.scorecam.api;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.scorecam.explain.Explainer;
import dev.scorecam.model.ModelRegistry;

@RestController
@RequestMapping("/v1/models")
class ModelController {

    private final ModelRegistry models;
    private final Explainer explainer;

    ModelController(ModelRegistry models, Explainer explainer) {
        this.models = models;
        this.explainer = explainer;
    }

    @GetMapping
    List<ModelInfo> list() {
        return models.all().stream().map(ModelInfo::of).toList();
    }

    @GetMapping("/{model}")
    ModelInfo get(@PathVariable String model) {
        return ModelInfo.of(explainer.model(model));
    }
}
