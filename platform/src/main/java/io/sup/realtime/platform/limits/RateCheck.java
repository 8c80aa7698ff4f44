package io.sup.realtime.platform.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.redis.MeteredRedis;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The rate check of one event by one user, to run inside the event's Redis work (see
 * {@link RateLimiter}): folded into its script ({@link #keys}, {@link #args}, then
 * {@link #refused} for the script's refusal), or pipelined with its first reads
 * ({@link #alongside}).
 */
public final class RateCheck {
    private final RateLimiter limiter;
    private final RateLimits.Rule rule;
    private final String key;
    /** Set when a cluster client ran the check ahead of a script in another slot: the script then skips it. */
    private boolean checkedAhead;

    RateCheck(RateLimiter limiter, RateLimits.Rule rule, String key) {
        this.limiter = limiter;
        this.rule = rule;
        this.key = key;
    }

    /** The client event checked. */
    public String event() {
        return rule.event();
    }

    /** The Redis key of the log it is counted in. */
    public String key() {
        return key;
    }

    /** The limit it is checked against (the event's own, or the ceiling). */
    public RateLimit limit() {
        return rule.limit();
    }

    /**
     * A folded script's keys: the log's key as {@code KEYS[1]}, then {@code scriptKeys}, which
     * must share the log's hash slot (the user's own keys, tagged {@code {<user>}}), so the
     * script runs on Redis Cluster too. Scripts on another entity's keys use
     * {@link #keys(UnifiedJedis, List)}.
     *
     * @throws IllegalArgumentException when a script key is in another slot than the log
     */
    public List<String> keys(List<String> scriptKeys) {
        int slot = JedisClusterCRC16.getSlot(key);
        for (String scriptKey : scriptKeys) {
            if (JedisClusterCRC16.getSlot(scriptKey) != slot) {
                throw new IllegalArgumentException("script key " + scriptKey + " is in another hash slot than the rate log "
                        + key + ": use keys(redis, scriptKeys)");
            }
        }
        return folded(scriptKeys);
    }

    /**
     * A folded script's keys when they are another entity's (a chat's, a call's), in another
     * hash slot than the user's log. On standalone Redis, as {@link #keys(List)}: the check
     * runs inside the script, atomically. On Redis Cluster, where one script cannot touch two
     * slots (CROSSSLOT), the check runs first as its own script (one more round trip) and the
     * script's first key stands in for the log as {@code KEYS[1]}; {@link #args} then passes a
     * max of 0, which the prelude takes as "checked already". There an event the check allowed
     * stays counted even if the script then refuses it for another reason (not a member, say).
     *
     * @param redis      the client the script will run on
     * @param scriptKeys the script's own keys, all in one slot (at least one)
     * @throws ServiceException RESOURCE_EXHAUSTED when the check, run first on a cluster, refuses
     */
    public List<String> keys(UnifiedJedis redis, List<String> scriptKeys) {
        if (!(redis instanceof MeteredRedis client && client.isCluster())) {
            return folded(scriptKeys);
        }
        long retryAfterMs = (Long) RateLimiter.CHECK.run(redis, List.of(key), args(List.of()));
        if (retryAfterMs > 0) {
            throw refused(retryAfterMs);
        }
        checkedAhead = true;
        List<String> keys = new ArrayList<>(1 + scriptKeys.size());
        keys.add(scriptKeys.getFirst());
        keys.addAll(scriptKeys);
        return keys;
    }

    private List<String> folded(List<String> scriptKeys) {
        List<String> keys = new ArrayList<>(1 + scriptKeys.size());
        keys.add(key);
        keys.addAll(scriptKeys);
        return keys;
    }

    /**
     * A folded script's arguments: the limit's max as {@code ARGV[1]} and its window in
     * milliseconds as {@code ARGV[2]}, then {@code scriptArgs}. The max is 0 (skip) when
     * {@link #keys(UnifiedJedis, List)} ran the check ahead on a cluster.
     */
    public List<String> args(List<String> scriptArgs) {
        List<String> args = new ArrayList<>(2 + scriptArgs.size());
        args.add(checkedAhead ? "0" : Integer.toString(rule.limit().max()));
        args.add(Long.toString(rule.limit().windowMs()));
        args.addAll(scriptArgs);
        return args;
    }

    /**
     * Runs the check and {@code reads} in one pipeline (one round trip) and returns what the
     * reads answered, unless the check refused. Only for reads: whatever {@code reads} queues
     * runs whether or not the check allows the event.
     *
     * @param redis the client to pipeline on
     * @param reads queues the reads on the pipeline and returns their answer, read after sync
     *              (a {@code Response} is one)
     * @throws ServiceException RESOURCE_EXHAUSTED when the event is refused (see {@link #refused})
     */
    public <T> T alongside(UnifiedJedis redis, Function<AbstractPipeline, ? extends Supplier<T>> reads) {
        Supplier<Object> verdict;
        Supplier<T> answer;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            verdict = RateLimiter.CHECK.queue(redis, pipeline, List.of(key), args(List.of()));
            answer = reads.apply(pipeline);
            pipeline.sync();
        }
        long retryAfterMs = (Long) verdict.get();
        if (retryAfterMs > 0) {
            throw refused(retryAfterMs);
        }
        return answer.get();
    }

    /**
     * The refusal to throw when the check answered {@code retryAfterMs} (> 0), counted in the
     * {@code rate.limit.refusals} metric: RESOURCE_EXHAUSTED with the {@code retry-after-ms}
     * trailer and a message such as {@code message:new rate limit: 30 per 60 s; retry in 2000 ms}.
     */
    public ServiceException refused(long retryAfterMs) {
        limiter.countRefusal(rule.event());
        String shared = rule.isCeiling() ? ", shared by events without a limit of their own" : "";
        return ServiceException.rateLimited(rule.event() + " rate limit: " + rule.limit().describe() + shared
                + "; retry in " + retryAfterMs + " ms", retryAfterMs);
    }
}
