package dev.scorecam.model;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.scorecam.config.ScoreCamProperties;

/**
 * Starts libtorch through DJL, offline: DJL reads these settings once, when the engine first
 * loads, so they are set here before any model is.
 */
@Component
public class TorchEngine {

    private static final Logger log = LoggerFactory.getLogger(TorchEngine.class);
    static final String NAME = "PyTorch";

    private final Engine engine;
    private final EngineThreads threads;

    public TorchEngine(ScoreCamProperties properties) {
        ScoreCamProperties.Engine settings = properties.engine();
        // Nothing may download at run time; offline mode also stops DJL's start-up telemetry.
        System.setProperty("ai.djl.offline", "true");
        if (settings.cacheDir() != null) {
            System.setProperty("DJL_CACHE_DIR", settings.cacheDir().toString());
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int cpuWorkers = properties.cpuWorkersPerModel();
        this.threads = EngineThreads.choose(settings.threads(), settings.interopThreads(), settings.lanes(), cores,
                cpuWorkers);
        System.setProperty(EngineThreads.INTRA_OP_PROPERTY, Integer.toString(threads.intraOp()));
        System.setProperty(EngineThreads.INTER_OP_PROPERTY, Integer.toString(threads.interOp()));
        this.engine = Engine.getEngine(NAME);
        log.info("Engine {} {} ready, {} GPU(s); {} intra-op thread(s) per call and {} inter-op for {} core(s) and {} CPU "
                + "worker(s); on the CPU each worker's batches on {} lane(s) of {} thread(s)", NAME, engine.getVersion(),
                engine.getGpuCount(), threads.intraOp(), threads.interOp(), cores, cpuWorkers, threads.lanes(),
                threads.laneThreads());
    }

    /** {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. */
    public Device device(String spec) {
        String value = spec.strip().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (value.equals("gpu")) {
            index = 0;
        } else if (value.matches("gpu:\\d+")) {
            index = Integer.parseInt(value.substring(4));
        } else {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, not '" + spec + "'");
        }
        if (index >= engine.getGpuCount()) {
            throw new IllegalArgumentException("device " + spec + " asked for, but libtorch sees "
                    + engine.getGpuCount() + " GPU(s)");
        }
        return Device.gpu(index);
    }

    /** The teams and lanes chosen for this machine and configuration. */
    public EngineThreads threads() {
        return threads;
    }

    public String version() {
        return engine.getVersion();
    }
}
