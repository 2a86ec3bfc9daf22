package dev.scorecam.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;

/** The job system of one process passes the contract. */
class InMemoryJobSystemTest extends JobSystemContract {

    @Override
    protected JobSystem<FakeWork, String> create(int capacity, int workers, Computation<FakeWork, String> engine,
            JobListener listener) {
        JobQueue<FakeWork, String> queue = new JobQueue<>(MODEL, capacity, Collections.nCopies(workers, engine),
                listener, Clock.systemUTC());
        return new InMemoryJobSystem<>(List.of(queue),
                new JobStore<>(Duration.ofMinutes(1), 100, Ticker.systemTicker()), Clock.systemUTC());
    }
}
