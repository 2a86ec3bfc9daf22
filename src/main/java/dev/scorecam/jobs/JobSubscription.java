package dev.scorecam.jobs;

/** A subscriber's hold on a job's events; closing it (more than once is fine) stops them. */
public interface JobSubscription extends AutoCloseable {

    @Override
    void close();
}
