package dev.scorecam.jobs.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scorecam.jobs.JobEvents;
import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.Subscriber;

/**
 * This node's listeners to jobs computed anywhere: subscribers (progress and partial results,
 * then one end) and waiters (the end). Fed by the Redis channel; and, since a message published
 * while this node was disconnected is lost, a sweep every {@code sweep} looks whether a followed
 * job has ended. Listeners are told on one thread of this hub, in order.
 */
final class EventHub<R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);

    private final RedisLink link;
    private final String channel;
    private final Function<UUID, Optional<JobSnapshot<R>>> find;
    private final Function<byte[], R> results;
    private final Map<UUID, List<Subscriber<R>>> subscribers = new ConcurrentHashMap<>();
    private final Map<UUID, List<CompletableFuture<JobSnapshot<R>>>> waiters = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(daemon("scorecam-redis-events"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(daemon("scorecam-redis-sweep"));
    private StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile boolean reportedDown;

    /** @param results decodes a partial result as published */
    EventHub(RedisLink link, String channel, Function<UUID, Optional<JobSnapshot<R>>> find,
            Function<byte[], R> results, Duration sweep) {
        this.link = link;
        this.channel = channel;
        this.find = find;
        this.results = results;
        sweeper.execute(this::listen);
        sweeper.scheduleWithFixedDelay(this::sweep, sweep.toMillis(), sweep.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Follows the job; the caller then looks whether it has ended already. */
    Subscriber<R> subscribe(UUID id, JobEvents<R> events) {
        Subscriber<R> subscriber = new Subscriber<>(id, events, closed -> remove(subscribers, id, closed));
        subscribers.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(subscriber);
        return subscriber;
    }

    /** Completes with the job's final state; the caller then looks whether it has ended already. */
    CompletableFuture<JobSnapshot<R>> waitFor(UUID id) {
        CompletableFuture<JobSnapshot<R>> end = new CompletableFuture<>();
        waiters.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(end);
        end.whenComplete((job, e) -> remove(waiters, id, end));
        return end;
    }

    /** Tells the job's end to this node's subscribers and waiters, on the hub's thread. */
    void ended(JobSnapshot<R> job) {
        dispatcher.execute(() -> tellEnd(job));
    }

    private void listen() {
        if (pubSub != null && pubSub.isOpen()) {
            return;
        }
        pubSub = null; // a broken connection is closed already (no reconnects, RedisLink)
        try {
            StatefulRedisPubSubConnection<String, byte[]> connection = link.client().connectPubSub(RedisLink.CODEC);
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, byte[] message) {
                    dispatcher.execute(() -> heard(message));
                }
            });
            connection.sync().subscribe(channel);
            pubSub = connection;
        } catch (RedisException e) {
            log.debug("Cannot subscribe to {} yet", channel, e);
        }
    }

    /** {@code <id> progress <done> <total>}, {@code <id> partial <done> <total> <bytes>} or {@code <id> end}. */
    private void heard(byte[] message) {
        int[] spaces = spaces(message, 4);
        String[] parts = RedisLink.text(Arrays.copyOf(message, spaces[3] < 0 ? message.length : spaces[3]))
                .split(" ");
        UUID id = UUID.fromString(parts[0]);
        switch (parts[1]) {
            case "progress" -> {
                JobProgress progress = new JobProgress(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
                subscribers.getOrDefault(id, List.of()).forEach(subscriber -> subscriber.progress(progress));
            }
            case "partial" -> {
                List<Subscriber<R>> listening = subscribers.getOrDefault(id, List.of());
                if (listening.isEmpty()) {
                    return; // nobody here to decode it for
                }
                JobProgress progress = new JobProgress(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
                R soFar;
                try {
                    soFar = results.apply(Arrays.copyOfRange(message, spaces[3] + 1, message.length));
                } catch (RuntimeException e) {
                    log.warn("A partial result of job {} could not be read; skipped: {}", id, e.getMessage());
                    return;
                }
                listening.forEach(subscriber -> subscriber.partial(soFar, progress));
            }
            default -> {
                if (subscribers.containsKey(id) || waiters.containsKey(id)) {
                    readEnd(id);
                }
            }
        }
    }

    /** Where the first {@code count} spaces of the message are; -1 for those it lacks. */
    private static int[] spaces(byte[] message, int count) {
        int[] at = new int[count];
        Arrays.fill(at, -1);
        for (int i = 0, found = 0; i < message.length && found < count; i++) {
            if (message[i] == ' ') {
                at[found++] = i;
            }
        }
        return at;
    }

    private void readEnd(UUID id) {
        try {
            find.apply(id).filter(job -> job.status().isFinal()).ifPresent(this::tellEnd);
        } catch (RuntimeException e) {
            log.debug("Cannot read job {}; the sweep tries again", id, e);
        }
    }

    private void tellEnd(JobSnapshot<R> job) {
        subscribers.getOrDefault(job.id(), List.of()).forEach(subscriber -> subscriber.ended(job));
        waiters.getOrDefault(job.id(), List.of()).forEach(waiter -> waiter.complete(job));
    }

    /** Jobs followed here whose end message was lost (Redis was away) end here too. */
    private void sweep() {
        listen();
        Set<UUID> followed = new java.util.HashSet<>(subscribers.keySet());
        followed.addAll(waiters.keySet());
        for (UUID id : followed) {
            try {
                Optional<JobSnapshot<R>> job = find.apply(id);
                reportedDown = false;
                job.filter(found -> found.status().isFinal()).ifPresent(found -> dispatcher.execute(() -> tellEnd(found)));
            } catch (RuntimeException e) {
                if (!reportedDown) {
                    log.warn("Jobs followed on this node cannot be read from Redis now: {}", e.getMessage());
                    reportedDown = true;
                }
                return;
            }
        }
    }

    private static <T> void remove(Map<UUID, List<T>> map, UUID id, T item) {
        map.computeIfPresent(id, (key, list) -> {
            list.remove(item);
            return list.isEmpty() ? null : list;
        });
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        dispatcher.shutdownNow();
        if (pubSub != null) {
            pubSub.close();
        }
    }
}
