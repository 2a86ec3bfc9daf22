package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The order of forwards and reads that keeps a GPU fed, checked on the CPU with a recording batch. */
class BatchScoringTest {

    /** Three batches of two rows; batch b's logits are rows of (b, -b). Returns the events. */
    private static List<String> run(int ahead, List<float[]> scored) {
        List<String> events = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                BatchScoring scoring = new BatchScoring(manager, ahead, (from, to, scores) -> {
                    events.add("read " + from / 2);
                    scored.addAll(List.of(scores));
                })) {
            for (int from = 0; from < 6; from += 2) {
                int b = from / 2;
                scoring.submit(from, from + 2, scope -> {
                    events.add("forward " + b);
                    return scope.create(new float[] {b, -b, b, -b}, new Shape(2, 2));
                });
            }
            scoring.finish();
        }
        return events;
    }

    @Test
    void onAGpuTheNextBatchIsQueuedBeforeThePreviousIsRead() {
        List<float[]> scores = new ArrayList<>();
        assertThat(run(1, scores)).containsExactly(
                "forward 0", "forward 1", "read 0", "forward 2", "read 1", "read 2");
        assertThat(scores).extracting(row -> row[0]).containsExactly(0f, 0f, 1f, 1f, 2f, 2f);
    }

    @Test
    void onTheCpuEachBatchIsReadBeforeTheNext() {
        List<float[]> scores = new ArrayList<>();
        assertThat(run(0, scores)).containsExactly(
                "forward 0", "read 0", "forward 1", "read 1", "forward 2", "read 2");
        assertThat(scores).extracting(row -> row[1]).containsExactly(0f, 0f, -1f, -1f, -2f, -2f);
    }

    @Test
    void theDeviceDecides() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                BatchScoring scoring = BatchScoring.on(Device.cpu(), manager, (f, t, s) -> {})) {
            List<String> order = new ArrayList<>();
            scoring.submit(0, 1, scope -> {
                order.add("forward");
                return scope.zeros(new Shape(1, 2));
            });
            // The CPU reads at once: the batch's scope is closed before submit returns.
            assertThat(order).containsExactly("forward");
            assertThat(manager.getManagedArrays()).isEmpty();
        }
    }

    @Test
    void aBatchThatFailsAndBatchesNeverReadAreFreed() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDManager[] queued = new NDManager[1];
            assertThatThrownBy(() -> {
                try (BatchScoring scoring = new BatchScoring(manager, 1, (f, t, s) -> {})) {
                    scoring.submit(0, 1, scope -> {
                        queued[0] = scope;
                        return scope.zeros(new Shape(1, 2));
                    });
                    scoring.submit(1, 2, scope -> {
                        throw new IllegalStateException("engine failure");
                    });
                }
            }).hasMessage("engine failure");
            assertThat(queued[0].isOpen()).isFalse();
            assertThat(manager.getManagedArrays()).isEmpty();
        }
    }
}
