package dev.scorecam.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code models} in the readiness group: UP once every model is loaded and warmed on every device
 * (the registry does that before the web server opens its port), DOWN once they are closed at
 * shutdown. Spring Boot's own readiness state adds the rest: accepting traffic only after start-up
 * completes, refusing it as soon as shutdown begins.
 */
@Component("models")
class ModelsHealthIndicator implements HealthIndicator {

    private final ModelRegistry registry;

    ModelsHealthIndicator(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, Object> devices = new LinkedHashMap<>();
        for (ModelPool pool : registry.pools()) {
            devices.put(pool.name(), pool.replicas().stream().map(ServedModel::device).toList());
        }
        return devices.isEmpty()
                ? Health.down().withDetail("reason", "no model is loaded").build()
                : Health.up().withDetails(devices).build();
    }
}
