package dev.scorecam.api;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.scorecam.explain.Explainer;
import dev.scorecam.imaging.InputFormat;
import dev.scorecam.model.ModelEngine;
import dev.scorecam.model.ServedModel;

/**
 * The Open Inference Protocol's (KServe V2) health and model metadata, as KServe's tooling and
 * probes ask for them. Liveness and readiness are the actuator's probe groups
 * ({@code /actuator/health/liveness}, {@code /actuator/health/readiness}): 503 when not.
 */
@RestController
@RequestMapping("/v2")
class OpenInferenceController {

    private final Explainer explainer;
    private final ObjectProvider<HealthEndpoint> health;

    OpenInferenceController(Explainer explainer, ObjectProvider<HealthEndpoint> health) {
        this.explainer = explainer;
        this.health = health;
    }

    record ServerLive(boolean live) {}

    record ServerReady(boolean ready) {}

    record ModelReady(String name, boolean ready) {}

    @GetMapping("/health/live")
    ResponseEntity<ServerLive> live() {
        boolean live = up("liveness");
        return ResponseEntity.status(live ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new ServerLive(live));
    }

    @GetMapping("/health/ready")
    ResponseEntity<ServerReady> ready() {
        boolean ready = up("readiness");
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(new ServerReady(ready));
    }

    /** A model's tensors as the network sees them; 404 /problems/unknown-model for one not served. */
    @GetMapping("/models/{model}")
    ModelMetadata metadata(@PathVariable String model) {
        return ModelMetadata.of(explainer.model(model));
    }

    /** A served model is loaded and warmed before the service starts; ready while the service is. */
    @GetMapping("/models/{model}/ready")
    ResponseEntity<ModelReady> modelReady(@PathVariable String model) {
        String name = explainer.model(model).name();
        boolean ready = up("readiness");
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(new ModelReady(name, ready));
    }

    /** Whether the actuator's probe group is UP; where no actuator runs (a web slice), the answer itself is. */
    private boolean up(String group) {
        HealthEndpoint endpoint = health.getIfAvailable();
        if (endpoint == null) {
            return true;
        }
        HealthDescriptor descriptor = endpoint.healthForPath(group);
        return descriptor != null && Status.UP.equals(descriptor.getStatus());
    }

    /**
     * The Open Inference Protocol's model metadata: the network's input, a batch of RGB images at
     * the model's resolution, and its output, a score per class.
     *
     * No {@code versions}: optional in the protocol, and a server has one version of each model.
     *
     * @param platform {@code pytorch_torchscript} or {@code onnx_onnxv1}, the protocol's names
     */
    record ModelMetadata(String name, String platform, List<Tensor> inputs, List<Tensor> outputs) {

        /** @param shape -1 where the size varies (the batch) */
        record Tensor(String name, String datatype, List<Integer> shape) {}

        static ModelMetadata of(ServedModel model) {
            InputFormat input = model.modelPackage().input();
            String platform = ModelEngine.ONNXRUNTIME.id().equals(model.engine()) ? "onnx_onnxv1" : "pytorch_torchscript";
            return new ModelMetadata(model.name(), platform,
                    List.of(new Tensor("input", "FP32", List.of(-1, 3, input.height(), input.width()))),
                    List.of(new Tensor("logits", "FP32", List.of(-1, model.modelPackage().labels().size()))));
        }
    }
}
