package dev.scorecam.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A job for the fake engine: {@code batches} batches of {@code batchMillis} each, reporting
 * progress after each, optionally held at the start (before any progress) until released,
 * optionally failing like an engine error.
 */
public record FakeWork(String name, int batches, long batchMillis, CountDownLatch release, boolean fails) {

    public static FakeWork quick(String name) {
        return new FakeWork(name, 1, 0, null, false);
    }

    static FakeWork held(String name, CountDownLatch release) {
        return new FakeWork(name, 1, 0, release, false);
    }

    static FakeWork slow(String name, int batches, long batchMillis) {
        return new FakeWork(name, batches, batchMillis, null, false);
    }

    static FakeWork failing(String name) {
        return new FakeWork(name, 1, 0, null, true);
    }

    /** The fake engine: records the order in which jobs start, publishes "name@batch" after each batch, returns the work's name. */
    public static final class Engine implements Computation<FakeWork, String> {

        final List<String> started = new CopyOnWriteArrayList<>();
        final List<Integer> batchesRun = new CopyOnWriteArrayList<>();

        @Override
        public String compute(FakeWork work, Computation.Progress<String> progress) throws Exception {
            started.add(work.name());
            if (work.release() != null && !work.release().await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            if (work.fails()) {
                throw new IllegalStateException("libtorch: something internal went wrong (a fake failure; the test expects this error)");
            }
            for (int i = 1; i <= work.batches(); i++) {
                Thread.sleep(work.batchMillis());
                batchesRun.add(i);
                progress.report(i, work.batches());
                progress.partial(work.name() + "@" + i);
            }
            return work.name();
        }
    }
}
