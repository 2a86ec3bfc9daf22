package dev.scorecam.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

import dev.scorecam.model.ForwardPassListener;
import dev.scorecam.model.ModelPool;
import dev.scorecam.model.ModelRegistry;
import dev.scorecam.model.ServedModel;

/**
 * The engine: {@code scorecam.forward.passes} (images through the network, one per masked input,
 * like a response's {@code stats.forwardPasses}) and {@code scorecam.forward.batch} (images per
 * engine call, its count the calls) per model, and {@code scorecam.model.load} (load, check and warm-up, per model and device).
 */
@Component
class EngineMetrics implements ForwardPassListener, MeterBinder {

    private final MeterRegistry registry;
    private final ModelRegistry models;
    private final Map<String, Pass> passes = new ConcurrentHashMap<>();
    private final Map<String, Counter> backwardPasses = new ConcurrentHashMap<>();
    private final Map<String, Counter> headPasses = new ConcurrentHashMap<>();

    private record Pass(Counter count, DistributionSummary batch) {}

    EngineMetrics(MeterRegistry registry, ModelRegistry models) {
        this.registry = registry;
        this.models = models;
    }

    @Override
    public void forwardPass(String model, long batchSize) {
        Pass pass = passes.computeIfAbsent(model, name -> new Pass(
                Counter.builder("scorecam.forward.passes")
                        .description("Images run through the whole network: Score-CAM's unit of cost, as in stats.forwardPasses")
                        .tag("model", name)
                        .register(registry),
                DistributionSummary.builder("scorecam.forward.batch")
                        .description("Images per forward pass")
                        .baseUnit("images")
                        .tag("model", name)
                        .register(registry)));
        pass.count().increment(batchSize);
        pass.batch().record(batchSize);
    }

    /** {@code scorecam.backward.passes}: images back-propagated through the head (the gradient methods), per model. */
    @Override
    public void backwardPass(String model, long batchSize) {
        perModel(backwardPasses, model, "scorecam.backward.passes",
                "Images back-propagated through the head: the gradient methods' cost, as in stats.backwardPasses")
                .increment(batchSize);
    }

    /** {@code scorecam.head.passes}: modified activations rescored through the head alone (Recipro-CAM, Ablation-CAM), per model. */
    @Override
    public void headPass(String model, long batchSize) {
        perModel(headPasses, model, "scorecam.head.passes",
                "Activations rescored through the head alone: Recipro-CAM's and Ablation-CAM's cost, as in stats.headPasses")
                .increment(batchSize);
    }

    /** A model's counter of {@code meter}, registered on its first use and kept in {@code counters}. */
    private Counter perModel(Map<String, Counter> counters, String model, String meter, String description) {
        return counters.computeIfAbsent(model, name -> Counter.builder(meter)
                .description(description)
                .tag("model", name)
                .register(registry));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ModelPool pool : models.pools()) {
            for (ServedModel replica : pool.replicas()) {
                Timer.builder("scorecam.model.load")
                        .description("Loading, checking and warming up a model on a device, at start-up")
                        .tag("model", replica.name())
                        .tag("device", replica.device())
                        .register(registry)
                        .record(replica.loadTime());
            }
        }
    }
}
