package dev.scorecam.cam;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Threads that forward batches of one run side by side, each engine call with its share of the
 * cores. On a CPU of few cores two calls of one intra-op thread each keep the cores busier than
 * one call of two: the threads of one call wait for each other at the end of every operator.
 */
public interface ForwardLanes {

    /** No lanes: each batch computed on the calling thread when it is submitted. */
    ForwardLanes NONE = new ForwardLanes() {
        @Override
        public int count() {
            return 1;
        }

        @Override
        public <T> CompletableFuture<T> submit(Supplier<T> work) {
            try {
                return CompletableFuture.completedFuture(work.get());
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    /** {@code count} lanes whose batches run on {@code threads}. */
    static ForwardLanes on(Executor threads, int count) {
        return new ForwardLanes() {
            @Override
            public int count() {
                return count;
            }

            @Override
            public <T> CompletableFuture<T> submit(Supplier<T> work) {
                return CompletableFuture.supplyAsync(work, threads);
            }
        };
    }

    /** How many batches may compute at once. */
    int count();

    /** Runs {@code work} on a lane (now, or when one is free). */
    <T> CompletableFuture<T> submit(Supplier<T> work);
}
