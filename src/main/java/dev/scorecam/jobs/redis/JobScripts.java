package dev.scorecam.jobs.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobProgress;
import dev.scorecam.jobs.JobSnapshot;
import dev.scorecam.jobs.JobStatus;

/** The {@link Scripts}, typed: every change to a job's state goes through here. */
final class JobScripts {

    enum Start { RUN, ENDED, SKIP }

    enum Outcome { SUCCEEDED, FAILED, STOPPED }

    private final RedisLink link;
    private final RedisKeys keys;
    private final RedisJobSettings settings;
    private final Clock clock;

    JobScripts(RedisLink link, RedisJobSettings settings, Clock clock) {
        this.link = link;
        this.keys = new RedisKeys(settings.keyPrefix());
        this.settings = settings;
        this.clock = clock;
    }

    RedisLink link() {
        return link;
    }

    RedisKeys keys() {
        return keys;
    }

    /** What {@link #submit} answers when the model's queue is full. */
    static final long FULL = -1;
    /** What {@link #submit} answers when fewer replicas than asked confirmed the job in time. */
    static final long UNCONFIRMED = -2;

    /**
     * Queues the job; where replicas must confirm it, then waits (bounded) until they hold it.
     *
     * @return the job's place in the queue, {@link #FULL} or {@link #UNCONFIRMED}
     */
    long submit(UUID id, String model, String owner, int capacity, byte[] work, Instant now) {
        Object[] args = args(id, now, model, capacity, work, owner);
        if (settings.waitForReplicas() == 0) {
            return link.<Long>eval(Scripts.SUBMIT, ScriptOutputType.INTEGER, keys.job(id), args);
        }
        RedisCommands<String, byte[]> commands = link.confirming();
        long place = link.<Long>eval(commands, Scripts.SUBMIT, ScriptOutputType.INTEGER, keys.job(id), args);
        if (place < 0) {
            return place;
        }
        Long replicas = commands.waitForReplication(settings.waitForReplicas(), settings.replicaTimeout().toMillis());
        return replicas != null && replicas >= settings.waitForReplicas() ? place : UNCONFIRMED;
    }

    Start start(RedisCommands<String, byte[]> commands, UUID id, String model, String entry, String consumer) {
        String answer = RedisLink.text(link.<byte[]>eval(commands, Scripts.START, ScriptOutputType.VALUE,
                keys.job(id), args(id, clock.instant(), entry, consumer, settings.maxDeliveries(),
                        JobError.abandoned(settings.maxDeliveries()).detail(), model)));
        return Start.valueOf(answer.toUpperCase());
    }

    /** @return whether the job must stop */
    boolean progress(UUID id, int done, int total, String consumer) {
        return "stop".equals(RedisLink.text(link.<byte[]>eval(Scripts.PROGRESS, ScriptOutputType.VALUE, keys.job(id),
                args(id, clock.instant(), done, total, consumer))));
    }

    /** @return whether the partial result was published (the job is still this worker's and goes on) */
    boolean partial(UUID id, byte[] soFar, String consumer) {
        return link.<Long>eval(Scripts.PARTIAL, ScriptOutputType.INTEGER, keys.job(id),
                args(id, clock.instant(), consumer, soFar)) == 1;
    }

    /** @return whether this ended the job (it was still this worker's) */
    boolean complete(UUID id, Outcome outcome, JobError error, byte[] result, String consumer, long computeNanos) {
        return link.<Long>eval(Scripts.COMPLETE, ScriptOutputType.INTEGER, keys.job(id),
                args(id, clock.instant(), outcome.name(), error == null ? "" : error.kind().name(),
                        error == null ? "" : error.detail(), result == null ? new byte[0] : result, consumer,
                        computeNanos)) == 1;
    }

    /** @return cancelled (ended now), stopping (asked to stop), ended (already) or unknown */
    String cancel(UUID id, JobError reason) {
        return RedisLink.text(link.<byte[]>eval(Scripts.CANCEL, ScriptOutputType.VALUE, keys.job(id),
                args(id, clock.instant(), reason.kind().name(), reason.detail())));
    }

    boolean giveBack(UUID id, String consumer) {
        return link.<Long>eval(Scripts.GIVE_BACK, ScriptOutputType.INTEGER, keys.job(id),
                args(id, clock.instant(), consumer)) == 1;
    }

    boolean heartbeat(UUID id, String consumer) {
        return link.<Long>eval(Scripts.HEARTBEAT, ScriptOutputType.INTEGER, keys.job(id),
                args(id, clock.instant(), consumer)) == 1;
    }

    /**
     * The job now, decoding its result with {@code results} when it has one and
     * {@code withResult}; the job's stop reason (asked but not yet ended) beside it.
     */
    <R> Optional<Read<R>> read(UUID id, boolean withResult, Function<byte[], R> results) {
        List<Object> reply = link.eval(Scripts.SNAPSHOT, ScriptOutputType.MULTI, keys.job(id),
                args(id, clock.instant(), withResult ? "1" : "0"));
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) reply.get(0);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            fields.put(RedisLink.text(list.get(i)), RedisLink.text(list.get(i + 1)));
        }
        long rank = (Long) reply.get(1);
        byte[] result = (byte[]) reply.get(2);
        JobStatus status = JobStatus.valueOf(fields.get("status"));
        int total = integer(fields.get("total"));
        Optional<R> value = status == JobStatus.SUCCEEDED && result.length > 0
                ? Optional.of(results.apply(result)) : Optional.empty();
        JobSnapshot<R> snapshot = new JobSnapshot<>(id, fields.get("model"),
                fields.getOrDefault("owner", JobSnapshot.NO_OWNER), status,
                status == JobStatus.QUEUED && rank >= 0 ? (int) rank + 1 : 0,
                total > 0 ? Optional.of(new JobProgress(integer(fields.get("done")), total)) : Optional.empty(),
                Instant.parse(fields.get("submitted")),
                instant(fields.get("started")),
                instant(fields.get("finished")),
                error(fields, "error_kind", "error_detail"),
                value);
        return Optional.of(new Read<>(snapshot, error(fields, "stop_kind", "stop_detail"),
                status == JobStatus.SUCCEEDED && result.length == 0 && !withResult));
    }

    /**
     * @param stopReason why a running job was asked to stop
     * @param resultLeftOut a result is there but was not asked for
     */
    record Read<R>(JobSnapshot<R> snapshot, Optional<JobError> stopReason, boolean resultLeftOut) {}

    private Object[] args(UUID id, Instant now, Object... rest) {
        Object[] all = new Object[5 + rest.length];
        all[0] = keys.prefix();
        all[1] = id.toString();
        all[2] = RedisKeys.GROUP;
        all[3] = now.toString();
        all[4] = settings.ttl().toMillis();
        System.arraycopy(rest, 0, all, 5, rest.length);
        return all;
    }

    private static int integer(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static Optional<Instant> instant(String value) {
        return Optional.ofNullable(value).map(Instant::parse);
    }

    private static Optional<JobError> error(Map<String, String> fields, String kind, String detail) {
        String name = fields.get(kind);
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        // a kind written by a newer node, during a rolling upgrade, is told as the engine failing, with its detail
        JobError.Kind known = Arrays.stream(JobError.Kind.values()).filter(k -> k.name().equals(name)).findFirst()
                .orElse(JobError.Kind.INFERENCE_FAILED);
        return Optional.of(new JobError(known, fields.getOrDefault(detail, "")));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
