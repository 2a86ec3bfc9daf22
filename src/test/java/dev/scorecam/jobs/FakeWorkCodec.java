package dev.scorecam.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import dev.scorecam.jobs.redis.Codec;

/**
 * {@link FakeWork} through Redis, as text. Its latch (how a test holds a job) cannot travel: it
 * stays in this JVM under a name that does, so a worker node in the same JVM finds it.
 */
public final class FakeWorkCodec implements Codec<FakeWork> {

    private static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

    /** A job's result, the work's name. */
    public static final Codec<String> TEXT = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    @Override
    public byte[] encode(FakeWork work) {
        String latch = "-";
        if (work.release() != null) {
            latch = UUID.randomUUID().toString();
            LATCHES.put(latch, work.release());
        }
        return String.join("\n", work.name(), Integer.toString(work.batches()), Long.toString(work.batchMillis()),
                latch, Boolean.toString(work.fails())).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public FakeWork decode(byte[] bytes) {
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        return new FakeWork(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]),
                parts[3].equals("-") ? null : LATCHES.get(parts[3]), Boolean.parseBoolean(parts[4]));
    }
}
