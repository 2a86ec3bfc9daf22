package dev.scorecam.jobs.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;

import dev.scorecam.jobs.NoCompatibleWorkerException;

/**
 * Which payload versions the live workers of each model read, so that a node does not queue a
 * job that none of them could read (an API upgraded before its workers). Each worker process
 * advertises itself in {@code P:readers:<model>}, a sorted set: the member says the process, the
 * versions it reads and its app version ({@code <node> <v>,<v> <app>}); the score is the time the
 * advertisement stops counting, pushed forward well before then. A process that stops withdraws
 * it; one that crashes is forgotten when the time is up.
 *
 * <p>Workers that advertise nothing (of a version before the advertisements, or none running) do
 * not stop a job: it is queued and waits, as it always did. Only live advertisements of which none
 * reads the version refuse it. Lookups are cached briefly, so that a burst of submissions asks
 * Redis once.
 */
final class PayloadReaders {

    /**
     * One worker process's advertisement.
     *
     * @param app its version, {@code -} when unknown
     */
    record Reader(String node, List<Integer> reads, String app) {

        Reader {
            reads = List.copyOf(reads);
            app = app == null || app.isBlank() ? "-" : app.strip().replaceAll("\\s+", "-");
        }

        String member() {
            return node + " " + reads.stream().map(String::valueOf).collect(Collectors.joining(",")) + " " + app;
        }

        /** Null for a member this version cannot parse (a later version's format): it is left out. */
        static Reader parse(String member) {
            String[] parts = member.split(" ");
            if (parts.length < 3) {
                return null;
            }
            try {
                return new Reader(parts[0], Arrays.stream(parts[1].split(",")).map(Integer::valueOf).toList(), parts[2]);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String describe() {
            return "versions " + reads.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + (app.equals("-") ? "" : " (app " + app + ")");
        }
    }

    private final RedisLink link;
    private final RedisKeys keys;
    private final Clock clock;
    private final Cache<String, List<Reader>> live;

    PayloadReaders(RedisLink link, RedisKeys keys, Clock clock, Duration cacheFor) {
        this.link = link;
        this.keys = keys;
        this.clock = clock;
        this.live = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(1_000).build();
    }

    /** Tells, for each model, that this process's workers read {@code reader}'s versions, for {@code ttl} more. */
    void advertise(Collection<String> models, Reader reader, Duration ttl) {
        RedisCommands<String, byte[]> commands = link.commands();
        long now = clock.millis();
        byte[] member = JobScripts.utf8(reader.member());
        for (String model : models) {
            commands.zremrangebyscore(keys.readers(model), Range.create(Double.NEGATIVE_INFINITY, (double) now));
            commands.zadd(keys.readers(model), (double) (now + ttl.toMillis()), member);
        }
    }

    void withdraw(Collection<String> models, Reader reader) {
        byte[] member = JobScripts.utf8(reader.member());
        for (String model : models) {
            link.commands().zrem(keys.readers(model), member);
        }
    }

    /**
     * @return the live workers' advertisements, among them one that reads {@code version} unless empty
     * @throws NoCompatibleWorkerException when workers of the model advertise, and none reads {@code version}
     * @throws io.lettuce.core.RedisException when Redis cannot be asked
     */
    List<Reader> check(String model, int version) {
        List<Reader> readers = live(model);
        if (!readers.isEmpty() && readers.stream().noneMatch(reader -> reader.reads().contains(version))) {
            throw new NoCompatibleWorkerException(model, version, readers.stream().map(Reader::describe).toList());
        }
        return readers;
    }

    /** The workers of the model whose advertisement counts now (as of at most the cache's time ago). */
    List<Reader> live(String model) {
        return live.get(model, this::ask);
    }

    private List<Reader> ask(String model) {
        List<byte[]> members = link.commands().zrangebyscore(keys.readers(model),
                Range.from(Range.Boundary.excluding((double) clock.millis()), Range.Boundary.unbounded()));
        List<Reader> readers = new ArrayList<>(members.size());
        for (byte[] member : members) {
            Reader reader = Reader.parse(RedisLink.text(member));
            if (reader != null) {
                readers.add(reader);
            }
        }
        return List.copyOf(readers);
    }
}
