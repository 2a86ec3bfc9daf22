package dev.scorecam.security;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scorecam.redis.LazyConnection;

/**
 * Slots as leases in Redis, shared by every pod: one sorted set per key, each member a lease
 * scored by when it runs out (Redis's own clock, so the pods' clocks do not matter). Taking a slot
 * first drops the leases that ran out. The pod renews the leases it holds every third of their
 * length; a pod that dies stops renewing, and its slots come back within one lease length
 * ({@code scorecam.redis.claim-after}, as its running jobs go to other workers).
 */
final class RedisSlots implements JobSlots, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisSlots.class);
    /** Beside the request buckets ({@link BucketStore#PREFIX}), under a name of their own: a lease set is not a bucket. */
    static final String PREFIX = BucketStore.PREFIX + "slots:";

    /** KEYS[1] the slots; ARGV 1 limit, 2 lease, 3 its length in ms. 1 when taken. */
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
            return 1
            """;

    /** KEYS[1] the slots; ARGV 1 the lease length in ms, 2.. leases still held: each runs a full length from now. */
    private static final String RENEW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local renewed = 0
            for i = 2, #ARGV do
              renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
            end
            if renewed > 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
            return renewed
            """;

    private final Duration length;
    private final ScheduledExecutorService renewer;
    /** Leases this pod holds, by key. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();
    private final LazyConnection<String, String> connection;
    private volatile boolean reportedDown;

    /** @param length how long a lease lasts unless renewed: how soon a dead pod's slots come back */
    RedisSlots(RedisClient client, Duration length) {
        this.connection = LazyConnection.of(client);
        this.length = length;
        this.renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "scorecam-slot-leases");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, length.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Lease take(String key, int limit) {
        String redisKey = PREFIX + key;
        String lease = UUID.randomUUID().toString();
        Long taken = StoreOutage.reach(() -> commands().eval(TAKE, ScriptOutputType.INTEGER, new String[] {redisKey},
                Integer.toString(limit), lease, Long.toString(length.toMillis())));
        if (taken == null || taken != 1) {
            return null;
        }
        held.computeIfAbsent(redisKey, k -> ConcurrentHashMap.newKeySet()).add(lease);
        return () -> release(redisKey, lease);
    }

    private void release(String redisKey, String lease) {
        Set<String> leases = held.get(redisKey);
        if (leases == null || !leases.remove(lease)) {
            return;
        }
        held.computeIfPresent(redisKey, (k, set) -> set.isEmpty() ? null : set);
        try {
            commands().zrem(redisKey, lease);
        } catch (RuntimeException e) {
            // no longer renewed: the slot comes back when its lease runs out
            log.debug("Slot {} of {} not given back now; it runs out after {}", lease, redisKey, length, e);
        }
    }

    private void renew() {
        for (Map.Entry<String, Set<String>> entry : held.entrySet()) {
            String[] args = Stream.concat(Stream.of(Long.toString(length.toMillis())), entry.getValue().stream())
                    .toArray(String[]::new);
            if (args.length == 1) {
                continue;
            }
            try {
                commands().eval(RENEW, ScriptOutputType.INTEGER, new String[] {entry.getKey()}, args);
                reportedDown = false;
            } catch (RuntimeException e) {
                if (!reportedDown) {
                    log.warn("Job slot leases cannot be renewed in Redis now ({}); those not renewed within {} s "
                            + "lapse", e.getMessage(), length.toSeconds());
                    reportedDown = true;
                }
                return;
            }
        }
    }

    private RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** Stops renewing, as a pod that dies would; the leases held run out after their length. */
    @Override
    public synchronized void close() {
        renewer.shutdownNow();
        connection.close();
    }

}
