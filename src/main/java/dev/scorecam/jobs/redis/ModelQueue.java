package dev.scorecam.jobs.redis;

import java.util.List;

import dev.scorecam.jobs.Computation;

/**
 * One model's queue as this node sees it.
 *
 * @param capacity jobs that may wait for the model across the cluster; one more is refused
 * @param workers the computations this node runs on jobs of the model, one thread each; none on
 *     a node that only takes requests
 */
public record ModelQueue<W, R>(String model, int capacity, List<? extends Computation<W, R>> workers) {

    public ModelQueue {
        if (capacity < 1) {
            throw new IllegalArgumentException("a queue needs a capacity");
        }
        workers = List.copyOf(workers);
    }
}
