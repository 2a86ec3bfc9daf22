package dev.scorecam.model;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.scorecam.cam.ForwardLanes;

/**
 * The lanes of one model on the CPU: {@code count} per worker, each thread a libtorch team of
 * {@code threadsEach}. Threads start when first needed and live as long as the model.
 */
final class TorchLanes implements ForwardLanes, AutoCloseable {

    private final int count;
    private final ExecutorService threads;

    TorchLanes(String model, int count, int threadsEach, int workers) {
        this.count = count;
        AtomicInteger started = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(count * Math.max(1, workers), task -> {
            Thread lane = new Thread(() -> {
                TorchTeams.set(threadsEach);
                task.run();
            }, "scorecam-" + model + "-lane-" + started.incrementAndGet());
            lane.setDaemon(true);
            return lane;
        });
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, threads);
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
