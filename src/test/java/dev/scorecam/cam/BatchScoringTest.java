package dev.scorecam.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/**
 * The order of forwards and reads that keeps a GPU fed, and batches side by side on lanes, checked
 * on the CPU with recording batches.
 */
class BatchScoringTest {

    /** Three batches of two rows; batch b's logits are rows of (b, -b). Returns the events. */
    private static List<String> run(int ahead, List<float[]> scored) {
        List<String> events = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                BatchScoring scoring = new BatchScoring(manager, ForwardLanes.NONE, ahead, (from, to, scores) -> {
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
                BatchScoring scoring = BatchScoring.on(Device.cpu(), ForwardLanes.NONE, manager, (f, t, s) -> {})) {
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
                try (BatchScoring scoring = new BatchScoring(manager, ForwardLanes.NONE, 1, (f, t, s) -> {})) {
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

    @Test
    void onLanesBatchesComputeSideBySideAndAreReadInOrder() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // Each batch waits at the barrier for another: only two batches computing at once pass it.
        CyclicBarrier together = new CyclicBarrier(2);
        List<float[]> scored = new ArrayList<>();
        List<String> readers = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                BatchScoring scoring = BatchScoring.on(Device.cpu(), ForwardLanes.on(threads, 2), manager, (from, to, rows) -> {
                    readers.add(Thread.currentThread().getName());
                    scored.addAll(List.of(rows));
                })) {
            for (int b = 0; b < 4; b++) {
                float value = b;
                scoring.submit(b, b + 1, scope -> {
                    await(together);
                    return scope.create(new float[] {value, -value}, new Shape(1, 2));
                });
            }
            scoring.finish();
            assertThat(manager.getManagedArrays()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
        assertThat(scored).extracting(row -> row[0]).containsExactly(0f, 1f, 2f, 3f);
        assertThat(readers).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aFailureOnALaneIsTheBatchsOwnAndClosingWaitsForTheLanes() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch failed = new CountDownLatch(1);
        boolean[] slowFinished = new boolean[1];
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertThatThrownBy(() -> {
                try (BatchScoring scoring = BatchScoring.on(Device.cpu(), ForwardLanes.on(threads, 3), manager, (f, t, s) -> {})) {
                    scoring.submit(0, 1, scope -> {
                        failed.countDown();
                        throw new IllegalStateException("engine failure");
                    });
                    scoring.submit(1, 2, scope -> {
                        await(failed);
                        sleep(200);
                        slowFinished[0] = true;
                        return scope.zeros(new Shape(1, 2));
                    });
                    scoring.submit(2, 3, scope -> scope.zeros(new Shape(1, 2)));
                }
            }).isInstanceOf(IllegalStateException.class).hasMessage("engine failure");
            // Closed only after the batch still computing finished: its arrays are freed, none leaked.
            assertThat(slowFinished[0]).isTrue();
            assertThat(manager.getManagedArrays()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the batches did not compute side by side", e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
