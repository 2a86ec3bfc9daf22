package dev.scorecam.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.util.unit.DataSize;

/** The service's defaults (as application.yml gives them) for tests and benchmarks that run without Spring. */
public final class TestProperties {

    private TestProperties() {}

    public static ScoreCamProperties with(List<Path> modelDirs, List<String> device, int workersPerDevice,
            Map<String, ScoreCamProperties.ModelOverrides> models) {
        return new ScoreCamProperties(modelDirs, device, workersPerDevice, models,
                new ScoreCamProperties.Engine(null, 0, 1, 0, 2, Duration.ofSeconds(30), true),
                new ScoreCamProperties.Limits(40_000_000L, 10, 256),
                new ScoreCamProperties.Queue(64),
                new ScoreCamProperties.Jobs(Duration.ofMinutes(15), 10_000, DataSize.ofMegabytes(256)),
                Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    public static ScoreCamProperties cpu() {
        return with(List.of(), List.of("cpu"), 1, Map.of());
    }
}
