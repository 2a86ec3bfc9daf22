package dev.scorecam.jobs.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scorecam.jobs.Computation;
import dev.scorecam.jobs.JobError;

/**
 * One worker slot: takes the oldest job of its model's stream (or one whose worker has not been
 * heard of for claim-after), computes it and writes its end, one job at a time. Its own connection
 * blocks on the stream. A Redis outage pauses it; the job it computes meanwhile is written when
 * Redis is back, or, if this worker is stopped first, computed again by another.
 */
final class Worker<W, R> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration BLOCK = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final RedisJobSystem<W, R> system;
    private final JobScripts scripts;
    private final String model;
    private final String consumer;
    private final Computation<W, R> computation;
    private final Duration claimAfter;
    private volatile boolean stopping;
    private volatile boolean halted;
    /** The job now computed here, for the heartbeat and shutdown; null when idle. */
    private volatile Running current;
    private StatefulRedisConnection<String, byte[]> connection;
    private boolean reportedDown;

    record Running(UUID id, long startNanos, AtomicBoolean givenBack) {}

    Worker(RedisJobSystem<W, R> system, JobScripts scripts, String model, String consumer,
            Computation<W, R> computation, Duration claimAfter) {
        this.system = system;
        this.scripts = scripts;
        this.model = model;
        this.consumer = consumer;
        this.computation = computation;
        this.claimAfter = claimAfter;
    }

    String consumer() {
        return consumer;
    }

    String model() {
        return model;
    }

    Running current() {
        return current;
    }

    /** Takes no further job; the one running goes on. */
    void stop() {
        stopping = true;
    }

    /** Stops as a crash would: the job running here is left as it is in Redis, for another worker. */
    void halt() {
        halted = true;
        stopping = true;
    }

    @Override
    public void run() {
        while (!stopping && !Thread.currentThread().isInterrupted()) {
            try {
                StreamMessage<String, byte[]> entry = next();
                reportedDown = false;
                if (entry != null && !stopping) {
                    take(entry);
                }
            } catch (RedisException e) {
                if (stopping) {
                    break; // interrupted in a read by the shutdown
                }
                if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                    createGroup(); // Redis lost its data: the stream starts again
                    continue;
                }
                if (!reportedDown) {
                    log.warn("Worker {} cannot reach Redis ({}); retrying every {} s", consumer, e.getMessage(),
                            RETRY.toSeconds());
                    reportedDown = true;
                }
                pause(RETRY);
            } catch (RuntimeException e) {
                log.error("Worker {} failed to take a job; retrying", consumer, e);
                pause(RETRY);
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** A job left by a worker not heard of for claim-after, else the next new one (waiting up to BLOCK). */
    private StreamMessage<String, byte[]> next() {
        RedisCommands<String, byte[]> commands = commands();
        String stream = scripts.keys().queue(model);
        Consumer<String> me = Consumer.from(RedisKeys.GROUP, consumer);
        ClaimedMessages<String, byte[]> claimed = commands.xautoclaim(stream,
                XAutoClaimArgs.Builder.xautoclaim(me, claimAfter, "0-0").count(1));
        if (claimed != null && !claimed.getMessages().isEmpty()) {
            return claimed.getMessages().get(0);
        }
        List<StreamMessage<String, byte[]>> read = commands.xreadgroup(me,
                XReadArgs.Builder.block(BLOCK).count(1), XReadArgs.StreamOffset.lastConsumed(stream));
        return read == null || read.isEmpty() ? null : read.get(0);
    }

    private RedisCommands<String, byte[]> commands() {
        if (connection == null || !connection.isOpen()) {
            // a broken connection is closed already: without reconnects Lettuce closes it
            connection = scripts.link().connect();
            createGroup();
        }
        return connection.sync();
    }

    private void createGroup() {
        try {
            connection.sync().xgroupCreate(XReadArgs.StreamOffset.from(scripts.keys().queue(model), "0"),
                    RedisKeys.GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // another node made it
        }
    }

    private void take(StreamMessage<String, byte[]> entry) {
        UUID id = UUID.fromString(RedisLink.text(entry.getBody().get("job")));
        switch (scripts.start(connection.sync(), id, model, entry.getId(), consumer)) {
            case SKIP -> { }
            case ENDED -> system.finished(id, Duration.ZERO, null);
            case RUN -> compute(id);
        }
    }

    private void compute(UUID id) {
        Running running = new Running(id, System.nanoTime(), new AtomicBoolean());
        current = running;
        system.started(id);
        W work;
        try {
            work = work(id);
        } catch (RuntimeException e) {
            // The job ends here, failed with the reason for its client to see, rather than going round the workers.
            end(running, JobScripts.Outcome.FAILED, unreadable(id, e), null, null);
            return;
        }
        if (work == null) {
            current = null;
            return; // this worker stopped while Redis was away: the job stays pending for another
        }
        JobScripts.Outcome outcome;
        JobError error = null;
        byte[] result = null;
        R computed = null;
        try {
            R value = computation.compute(work, new Computation.Progress<>() {
                @Override
                public void report(int done, int total) {
                    progress(running, done, total);
                }

                @Override
                public void partial(R soFar) {
                    Worker.this.partial(running, soFar);
                }
            });
            result = system.encodeResult(value);
            computed = value;
            outcome = JobScripts.Outcome.SUCCEEDED;
        } catch (CancellationException e) {
            outcome = JobScripts.Outcome.STOPPED;
            error = JobError.cancelledByClient();
        } catch (Throwable e) {
            if (left(running)) {
                log.debug("Job {} left by this worker ended here with", id, e);
            } else {
                log.error("Job {} on model {} failed in the engine", id, model, e);
            }
            outcome = JobScripts.Outcome.FAILED;
            error = JobError.inferenceFailed(id);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        end(running, outcome, error, result, computed);
    }

    /** Writes the job's end, unless this worker has let go of it, and tells the listener. */
    private void end(Running running, JobScripts.Outcome outcome, JobError error, byte[] result, R computed) {
        long nanos = System.nanoTime() - running.startNanos();
        if (!left(running) && complete(running.id(), outcome, error, result, nanos)) {
            system.finished(running.id(), Duration.ofNanos(nanos), computed);
        }
        current = null;
    }

    /** Why a job whose work cannot be decoded here failed: the codec's words, or a pointer to the log. */
    private JobError unreadable(UUID id, RuntimeException e) {
        if (e instanceof UnreadablePayloadException unreadable) {
            log.warn("Job {} on model {} cannot be read by this worker: {}", id, model, unreadable.getMessage());
            return JobError.unreadable(unreadable.getMessage());
        }
        log.error("Job {} on model {} cannot be read by this worker", id, model, e);
        return JobError.unreadable("this worker could not read the job's payload; see the worker's log for job " + id);
    }

    /** Whether this worker has let go of the job (given back at shutdown, or halted): it writes nothing more of it. */
    private boolean left(Running running) {
        return halted || running.givenBack().get();
    }

    /** The job's work, waiting while Redis is away; null when this worker stops meanwhile. */
    private W work(UUID id) {
        while (!halted) {
            try {
                return system.work(id);
            } catch (RedisException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
                pause(RETRY);
            }
        }
        return null;
    }

    private void progress(Running running, int done, int total) {
        if (left(running)) {
            throw new CancellationException("job " + running.id() + " was left by this worker");
        }
        boolean stop;
        try {
            stop = scripts.progress(running.id(), done, total, consumer);
        } catch (RedisException e) {
            return; // Redis is away: compute on, the end is written when it is back
        }
        if (stop) {
            throw new CancellationException("job " + running.id() + " was cancelled");
        }
    }

    /**
     * Publishes a partial result to the job's subscribers on every node; lost, like a progress
     * report, while Redis is away (the computation goes on, the result is what counts).
     */
    private void partial(Running running, R soFar) {
        if (left(running)) {
            return;
        }
        byte[] bytes = system.encodeResult(soFar);
        try {
            scripts.partial(running.id(), bytes, consumer);
        } catch (RedisException e) {
            // Redis is away: the next batch's report says so, if it still is
        }
    }

    /** Writes the end, retrying while Redis is away; false when the job was no longer this worker's. */
    private boolean complete(UUID id, JobScripts.Outcome outcome, JobError error, byte[] result, long nanos) {
        while (true) {
            try {
                return scripts.complete(id, outcome, error, result, consumer, nanos);
            } catch (RedisException e) {
                if (halted || system.isClosed() || Thread.currentThread().isInterrupted()) {
                    log.warn("Job {} ended here while Redis was away; another worker will compute it again", id);
                    return false;
                }
                pause(RETRY);
            }
        }
    }

    private static void pause(Duration time) {
        try {
            Thread.sleep(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Worker[" + consumer + ", " + model + "]";
    }
}
