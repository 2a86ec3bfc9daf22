package dev.scorecam.jobs.redis;

/**
 * The job's state changes, each one Lua script so that Redis applies it atomically: whoever gets
 * there first (worker, client, another worker that claimed the job) decides, the rest see a final
 * or foreign job and leave it alone. Keys follow {@link RedisKeys}; every script gets the same
 * first arguments: prefix, job id, consumer group, now (ISO-8601), ttl of a finished job (ms).
 */
final class Scripts {

    private Scripts() {}

    /** Common to all: names, and how a job ends (once; the caller has checked it had not). */
    private static final String PRELUDE = """
            local P, id, group, now, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local job = P .. ':job:' .. id
            local model = redis.call('HGET', job, 'model')
            local function key(kind) return P .. ':' .. kind .. ':' .. model end
            local function close(status, kind, detail)
              redis.call('HSET', job, 'status', status, 'finished', now)
              if kind then redis.call('HSET', job, 'error_kind', kind, 'error_detail', detail) end
              redis.call('PEXPIRE', job, ttl)
              redis.call('DEL', P .. ':work:' .. id)
              redis.call('ZREM', key('waiting'), id)
              redis.call('SREM', key('running'), id)
              local entry = redis.call('HGET', job, 'entry')
              if entry and redis.call('EXISTS', key('queue')) == 1 then
                pcall(redis.call, 'XACK', key('queue'), group, entry)
                redis.call('XDEL', key('queue'), entry)
              end
              redis.call('PUBLISH', P .. ':events', id .. ' end')
            end
            local function stopped()
              close('CANCELLED', redis.call('HGET', job, 'stop_kind'), redis.call('HGET', job, 'stop_detail'))
            end
            local function owned(consumer)
              return redis.call('HGET', job, 'status') == 'RUNNING' and redis.call('HGET', job, 'worker') == consumer
            end
            """;

    /**
     * ARGV 6 model, 7 capacity, 8 the work, 9 its owner: queues the job, or -1 when the model
     * already has capacity jobs waiting (cluster-wide). Returns the job's place in the queue.
     */
    static final String SUBMIT = PRELUDE + """
            model = ARGV[6]
            if redis.call('ZCARD', key('waiting')) >= tonumber(ARGV[7]) then return -1 end
            local seq = redis.call('INCR', P .. ':seq')
            redis.call('SET', P .. ':work:' .. id, ARGV[8])
            local entry = redis.call('XADD', key('queue'), '*', 'job', id)
            redis.call('HSET', job, 'model', model, 'owner', ARGV[9], 'status', 'QUEUED', 'submitted', now,
                'entry', entry, 'seq', seq, 'deliveries', 0)
            redis.call('ZADD', key('waiting'), seq, id)
            return redis.call('ZRANK', key('waiting'), id) + 1
            """;

    /**
     * ARGV 6 stream entry, 7 consumer, 8 max deliveries, 9 why an abandoned job failed. A worker
     * took the entry (read or claimed): 'run' when it is now this worker's, 'ended' when the job
     * ended here (cancelled meanwhile, or too many deliveries), 'skip' for a stale entry.
     */
    static final String START = PRELUDE + """
            local status = redis.call('HGET', job, 'status')
            if not model or (status ~= 'QUEUED' and status ~= 'RUNNING') or redis.call('HGET', job, 'entry') ~= ARGV[6] then
              local stream = P .. ':queue:' .. (model or ARGV[10])
              pcall(redis.call, 'XACK', stream, group, ARGV[6])
              redis.call('XDEL', stream, ARGV[6])
              return 'skip'
            end
            local deliveries = redis.call('HINCRBY', job, 'deliveries', 1)
            if redis.call('HEXISTS', job, 'stop_kind') == 1 then stopped() return 'ended' end
            if deliveries > tonumber(ARGV[8]) then close('FAILED', 'ABANDONED', ARGV[9]) return 'ended' end
            redis.call('ZREM', key('waiting'), id)
            redis.call('SADD', key('running'), id)
            redis.call('HDEL', job, 'done', 'total')
            redis.call('HSET', job, 'status', 'RUNNING', 'worker', ARGV[7])
            if redis.call('HEXISTS', job, 'started') == 0 then redis.call('HSET', job, 'started', now) end
            return 'run'
            """;

    /** ARGV 6 done, 7 total, 8 consumer: records and announces progress; 'stop' when the job must stop. */
    static final String PROGRESS = PRELUDE + """
            if not owned(ARGV[8]) then return 'stop' end
            redis.call('HSET', job, 'done', ARGV[6], 'total', ARGV[7])
            if redis.call('HEXISTS', job, 'stop_kind') == 1 then return 'stop' end
            redis.call('PUBLISH', P .. ':events', id .. ' progress ' .. ARGV[6] .. ' ' .. ARGV[7])
            return 'go'
            """;

    /**
     * ARGV 6 consumer, 7 the encoded partial result: announces it with the progress last recorded,
     * {@code <id> partial <done> <total> <bytes>}, while the job is still this worker's and not
     * asked to stop. 1 when published.
     */
    static final String PARTIAL = PRELUDE + """
            if not owned(ARGV[6]) or redis.call('HEXISTS', job, 'stop_kind') == 1 then return 0 end
            local done, total = redis.call('HGET', job, 'done'), redis.call('HGET', job, 'total')
            if not done or not total then return 0 end
            redis.call('PUBLISH', P .. ':events', id .. ' partial ' .. done .. ' ' .. total .. ' ' .. ARGV[7])
            return 1
            """;

    /**
     * ARGV 6 outcome (SUCCEEDED, FAILED, STOPPED), 7 error kind, 8 detail, 9 result, 10 consumer,
     * 11 compute nanoseconds: the worker's end of the job, taken only while the job is still its
     * own; a stop asked meanwhile wins over a result. 1 when this ended the job.
     */
    static final String COMPLETE = PRELUDE + """
            if not owned(ARGV[10]) then return 0 end
            local stop = redis.call('HEXISTS', job, 'stop_kind') == 1
            if ARGV[6] == 'SUCCEEDED' and not stop then
              redis.call('SET', P .. ':result:' .. id, ARGV[9], 'PX', ttl)
              local mean = tonumber(redis.call('HGET', key('stats'), 'mean') or '0')
              local x = tonumber(ARGV[11])
              if mean == 0 then mean = x else mean = 0.2 * x + 0.8 * mean end
              redis.call('HSET', key('stats'), 'mean', string.format('%.0f', mean))
              close('SUCCEEDED', false, nil)
            elseif ARGV[6] == 'FAILED' then
              close('FAILED', ARGV[7], ARGV[8])
            elseif stop then
              stopped()
            else
              close('CANCELLED', ARGV[7], ARGV[8])
            end
            return 1
            """;

    /**
     * ARGV 6 kind, 7 detail: a waiting job ends now ('cancelled'); a running one is asked to stop
     * ('stopping', the first reason stays); 'ended' or 'unknown' otherwise.
     */
    static final String CANCEL = PRELUDE + """
            local status = redis.call('HGET', job, 'status')
            if not status then return 'unknown' end
            if status == 'QUEUED' then close('CANCELLED', ARGV[6], ARGV[7]) return 'cancelled' end
            if status == 'RUNNING' then
              if redis.call('HSETNX', job, 'stop_kind', ARGV[6]) == 1 then redis.call('HSET', job, 'stop_detail', ARGV[7]) end
              return 'stopping'
            end
            return 'ended'
            """;

    /**
     * ARGV 6 consumer: a worker that shuts down gives its job back, at the end of the stream and
     * with its old place in the count of waiting jobs, for another worker to take. 1 when given back.
     */
    static final String GIVE_BACK = PRELUDE + """
            if not owned(ARGV[6]) then return 0 end
            local old = redis.call('HGET', job, 'entry')
            pcall(redis.call, 'XACK', key('queue'), group, old)
            redis.call('XDEL', key('queue'), old)
            local entry = redis.call('XADD', key('queue'), '*', 'job', id)
            redis.call('HSET', job, 'status', 'QUEUED', 'entry', entry)
            redis.call('HDEL', job, 'worker', 'done', 'total', 'started')
            redis.call('HINCRBY', job, 'deliveries', -1)
            redis.call('SREM', key('running'), id)
            redis.call('ZADD', key('waiting'), redis.call('HGET', job, 'seq'), id)
            return 1
            """;

    /**
     * ARGV 6 consumer: the worker still computes the job; resets the idle time of its stream entry
     * so that no other worker claims it. 0 when the job is no longer this worker's.
     */
    static final String HEARTBEAT = PRELUDE + """
            if not owned(ARGV[6]) then return 0 end
            redis.call('XCLAIM', key('queue'), group, ARGV[6], 0, redis.call('HGET', job, 'entry'), 'JUSTID')
            return 1
            """;

    /**
     * ARGV 6 '1' to include the result: {fields, place in the queue or -1, result or ''}; an
     * empty list for an unknown job.
     */
    static final String SNAPSHOT = PRELUDE + """
            if not model then return {} end
            local fields = redis.call('HGETALL', job)
            local rank = redis.call('ZRANK', key('waiting'), id)
            local result = ''
            if ARGV[6] == '1' then result = redis.call('GET', P .. ':result:' .. id) or '' end
            return {fields, rank or -1, result}
            """;
}
