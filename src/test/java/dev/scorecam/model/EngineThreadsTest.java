package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scorecam.config.ScoreCamProperties;
import dev.scorecam.config.TestProperties;

class EngineThreadsTest {

    @Test
    void oneWorkerUsesEveryCore() {
        assertThat(EngineThreads.choose(0, 1, 1, 16, 1)).isEqualTo(new EngineThreads(16, 1, 1, 16));
    }

    @Test
    void workersShareTheCoresWithoutOversubscribing() {
        assertThat(EngineThreads.choose(0, 1, 0, 16, 4).intraOp()).isEqualTo(4);
        assertThat(EngineThreads.choose(0, 1, 0, 2, 3).intraOp()).isEqualTo(1);
    }

    @Test
    void anExplicitThreadCountWins() {
        assertThat(EngineThreads.choose(3, 2, 1, 16, 4)).isEqualTo(new EngineThreads(3, 2, 1, 3));
    }

    @Test
    void aWorkerOfTwoThreadsOrMoreSplitsThemOverTwoLanes() {
        assertThat(EngineThreads.choose(0, 1, 0, 2, 1)).isEqualTo(new EngineThreads(2, 1, 2, 1));
        assertThat(EngineThreads.choose(0, 1, 0, 16, 2)).isEqualTo(new EngineThreads(8, 1, 2, 4));
        // a worker of one thread has nothing to split
        assertThat(EngineThreads.choose(0, 1, 0, 2, 2)).isEqualTo(new EngineThreads(1, 1, 1, 1));
    }

    @Test
    void configuredLanesWinAndEachKeepsAThread() {
        assertThat(EngineThreads.choose(0, 1, 4, 2, 1)).isEqualTo(new EngineThreads(2, 1, 4, 1));
        assertThat(EngineThreads.choose(0, 1, 1, 2, 1).lanes()).isEqualTo(1);
    }

    @Test
    void theBusiestCpuModelSetsTheWorkerCount() {
        var models = Map.of(
                "big", new ScoreCamProperties.ModelOverrides(null, null, 4, null, null),
                "on-gpu", new ScoreCamProperties.ModelOverrides(List.of("gpu:0"), null, 8, null, null));
        assertThat(properties(List.of("cpu"), 2, models).cpuWorkersPerModel()).isEqualTo(4);
        assertThat(properties(List.of("gpu:0"), 2, Map.of()).cpuWorkersPerModel()).isEqualTo(1);
    }

    private static ScoreCamProperties properties(
            List<String> device, int workers, Map<String, ScoreCamProperties.ModelOverrides> models) {
        return TestProperties.with(List.of(), device, workers, models);
    }
}
