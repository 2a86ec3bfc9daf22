package dev.scorecam.jobs;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * One subscriber's events of one job, in order and told once, whichever job system tells them:
 * its lock keeps a progress report or a partial result that raced the end from arriving after
 * it, and its flag keeps the end from being told twice. A subscriber that throws is a client
 * gone from an event stream: it is closed, and the job goes on.
 *
 * @param <R> what a successful job produces
 */
public final class Subscriber<R> implements JobSubscription {

    private final UUID job;
    private final JobEvents<R> events;
    private final Consumer<Subscriber<R>> onClose;
    private volatile boolean closed;

    /** @param onClose takes the subscriber out of whatever tells it events */
    public Subscriber(UUID job, JobEvents<R> events, Consumer<Subscriber<R>> onClose) {
        this.job = job;
        this.events = events;
        this.onClose = onClose;
    }

    public synchronized void progress(JobProgress progress) {
        if (closed) {
            return;
        }
        try {
            events.progress(job, progress);
        } catch (RuntimeException e) {
            close();
        }
    }

    public synchronized void partial(R soFar, JobProgress progress) {
        if (closed) {
            return;
        }
        try {
            events.partial(job, soFar, progress);
        } catch (RuntimeException e) {
            close();
        }
    }

    public synchronized void ended(JobSnapshot<R> last) {
        if (closed) {
            return;
        }
        close();
        try {
            events.ended(last);
        } catch (RuntimeException e) {
            // the subscriber is gone; the job has ended anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        onClose.accept(this);
    }
}
