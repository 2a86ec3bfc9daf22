package dev.scorecam.model;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scorecam.cam.ForwardLanes;

/**
 * The threads of one model's lanes on the CPU: {@code count} lanes per worker, each thread a
 * libtorch team of {@code threadsEach}. Threads start when first needed and live as long as the
 * model.
 */
final class TorchLanes implements AutoCloseable {

    private final ExecutorService threads;
    private final ForwardLanes lanes;

    TorchLanes(String model, int count, int threadsEach, int workers) {
        AtomicInteger started = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(count * Math.max(1, workers), task -> {
            Thread lane = new Thread(() -> {
                TorchTeams.set(threadsEach);
                task.run();
            }, "scorecam-" + model + "-lane-" + started.incrementAndGet());
            lane.setDaemon(true);
            return lane;
        });
        this.lanes = ForwardLanes.on(threads, count);
    }

    ForwardLanes lanes() {
        return lanes;
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
