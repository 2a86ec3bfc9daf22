package dev.scorecam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import dev.scorecam.cam.AblationCam;
import dev.scorecam.cam.CamMethod;
import dev.scorecam.cam.CamResult;
import dev.scorecam.cam.Progress;
import dev.scorecam.cam.ScoreCam;
import dev.scorecam.cam.ScoreKind;
import dev.scorecam.cam.Targets;

/**
 * Batches on lanes: the same maps and passes as one batch at a time on the worker's thread, the
 * batches computed on the lanes' own threads, each libtorch team of the lanes' size.
 */
class LanesTest {

    /** The analytic quadrants network: 18 channels, so 19 masked inputs make five batches of 4. */
    private static final ModelPackage QUADRANTS = AutoBatchSizeTest.QUADRANTS;
    private static final int BATCH = 4;

    private static ServedModel load(EngineThreads threads) {
        return ServedModel.load(QUADRANTS, Device.cpu(), new ServingOptions(Precision.FP32, BatchSize.of(BATCH), 1,
                BATCH, Duration.ZERO, true, threads, 1));
    }

    /** Where each pass ran, and that thread's libtorch team. */
    private record Seen(String thread, int team) {}

    private static CamResult explain(ServedModel model, CamMethod method, float[] chw, Set<Seen> seen) {
        ForwardPassListener where = new ForwardPassListener() {
            @Override
            public void forwardPass(String name, long images) {
                seen.add(new Seen(Thread.currentThread().getName(), TorchTeams.current()));
            }

            @Override
            public void headPass(String name, long images) {
                seen.add(new Seen(Thread.currentThread().getName(), TorchTeams.current()));
            }
        };
        return model.explain(method, chw, Targets.of(1), ScoreKind.LOGIT, BATCH, Progress.NONE, where);
    }

    @Test
    void scoreCamAndAblationCamOnLanesGiveTheMapsOfOneBatchAtATime() {
        float[] chw = new float[3 * 32 * 32];
        Random random = new Random(7);
        for (int i = 0; i < chw.length; i++) {
            chw[i] = random.nextFloat();
        }
        try (ServedModel alone = load(new EngineThreads(2, 1, 1, 2));
                ServedModel onLanes = load(new EngineThreads(2, 1, 2, 1))) {
            assertThat(alone.network().lanes().count()).isEqualTo(1);
            assertThat(onLanes.network().lanes().count()).isEqualTo(2);
            for (CamMethod method : new CamMethod[] {new ScoreCam(), new AblationCam()}) {
                Set<Seen> seenAlone = ConcurrentHashMap.newKeySet();
                Set<Seen> seenOnLanes = ConcurrentHashMap.newKeySet();
                CamResult expected = explain(alone, method, chw, seenAlone);
                CamResult actual = explain(onLanes, method, chw, seenOnLanes);

                assertThat(actual.forwardPasses()).isEqualTo(expected.forwardPasses());
                assertThat(actual.headPasses()).isEqualTo(expected.headPasses());
                float[] want = expected.maps().get(0).saliency().values();
                float[] got = actual.maps().get(0).saliency().values();
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).as("pixel %d of %s", i, method.getClass().getSimpleName())
                            .isCloseTo(want[i], within(1e-5f));
                }
                // One at a time: every pass on this thread. On lanes: the batches on lane threads of one thread each.
                assertThat(seenAlone).extracting(Seen::thread).containsOnly(Thread.currentThread().getName());
                assertThat(seenOnLanes).filteredOn(s -> s.thread().contains("-lane-"))
                        .isNotEmpty().extracting(Seen::team).containsOnly(1);
            }
        }
    }
}
