package io.sup.realtime.platform.expiry;

import java.util.List;
import java.util.Map;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * What a service's sweeps record in Redis for {@link ExpiryCutoff}, in two keys every
 * replica of the service shares; the service names them (in its own keyspace).
 *
 * <ul>
 *   <li>{@code sweptKey}, a string: when the last sweep ran (ms), by any replica. A sweep
 *       that finds it old (or missing) knows the service was down and starts a recovery.
 *       One key.</li>
 *   <li>{@code recoveryKey}, a hash: from, until (ms): after an outage, only expiries before
 *       {@code from} count until {@code until}. One key; expires at {@code until}.</li>
 * </ul>
 */
public final class SweepLog {
    private final UnifiedJedis redis;
    private final String sweptKey;
    private final String recoveryKey;

    /**
     * @param redis       the service's Redis
     * @param sweptKey    the string key for the last sweep's time
     * @param recoveryKey the hash key for the recovery under way
     */
    public SweepLog(UnifiedJedis redis, String sweptKey, String recoveryKey) {
        this.redis = redis;
        this.sweptKey = sweptKey;
        this.recoveryKey = recoveryKey;
    }

    /** What the sweeps recorded: see {@link ExpiryCutoff}. Times in ms; -1 (or 0) when absent. */
    public record SweepRecord(long previousSweep, long recoveringFrom, long recoveringUntil) {
    }

    /**
     * Records a sweep at {@code now} (the swept key) and reads the one before it and any
     * recovery under way (the recovery key), in one round trip.
     */
    public SweepRecord markSwept(long now) {
        Response<String> previous;
        Response<List<String>> recovery;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            previous = pipeline.setGet(sweptKey, Long.toString(now));
            recovery = pipeline.hmget(recoveryKey, "from", "until");
            pipeline.sync();
        }
        List<String> r = recovery.get();
        return new SweepRecord(previous.get() == null ? -1 : Long.parseLong(previous.get()),
                r.get(0) == null ? 0 : Long.parseLong(r.get(0)), r.get(1) == null ? 0 : Long.parseLong(r.get(1)));
    }

    /** Records that expiries before {@code from} only count until {@code until}, for every replica. */
    public void startRecovery(long from, long until) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.hset(recoveryKey, Map.of("from", Long.toString(from), "until", Long.toString(until)));
            pipeline.pexpireAt(recoveryKey, until);
            pipeline.sync();
        }
    }
}
