package io.sup.realtime.platform.limits;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.redis.LuaScript;

/**
 * Per-user, per-event rate limits held in Redis and checked by the service that owns the
 * event, inside the Redis work the event does anyway: the check never adds a round trip.
 *
 * <p>The algorithm is the sliding-window log (see {@code "An alternative approach to rate
 * limiting"}, Figma, 2017): a sorted set per (user, event) holds the times of the events
 * accepted in the last window; an event is allowed when fewer than {@code max} lie in the
 * window ending now. It is exact (at most {@code max} events in any window, across every
 * connection and gateway, since one Redis script decides), it tells the caller exactly when
 * to retry (when the oldest counted event leaves the window), and it keeps at most
 * {@code max} entries per key, which expires a window after its last event. Refused events
 * are not recorded. Time is Redis's own clock, shared by every caller. The algorithm is
 * written once, in Lua, as the prelude {@value #PRELUDE}, which defines
 * {@code rate_limit(key, max, window_ms)} (0 when allowed, else milliseconds to wait).
 *
 * <p>Two ways to run it, through a {@link RateCheck} from {@link #check}:
 * <ul>
 *   <li><b>folded</b> into the event's own script, for events that write: the script is
 *       {@code LuaScript.fromResources(owner, RateLimiter.PRELUDE, "/lua/<script>.lua")},
 *       takes the check's key first ({@code KEYS[1]}, its own keys from {@code KEYS[2]}) and
 *       the limit first ({@code ARGV[1]} max, {@code ARGV[2]} window in ms, its own
 *       arguments from {@code ARGV[3]}) — {@link RateCheck#keys} and {@link RateCheck#args}
 *       put them there — and calls {@code rate_limit(KEYS[1], ARGV[1], ARGV[2])} before its
 *       first write, so nothing is written when it refuses;</li>
 *   <li><b>pipelined</b> with the reads an event starts with ({@link RateCheck#alongside}):
 *       the check runs as its own script in the same round trip, and the reads' answers are
 *       discarded when it refuses.</li>
 * </ul>
 *
 * <p>Keys are the service's own, tagged by user ({@code msg:rl:{<user>}:<event>}, and
 * {@code msg:rl:{<user>}:*} for the ceiling). A script on the user's own keys folds the check
 * on Redis Cluster too ({@link RateCheck#keys(java.util.List)}); a script on a chat's or a
 * call's keys, in another slot, runs the check as its own script first there (one more round
 * trip; {@link RateCheck#keys(redis.clients.jedis.UnifiedJedis, java.util.List)}).
 *
 * <p>Refusals are counted in the global metrics registry as {@code rate.limit.refusals}
 * tagged {@code event} (Prometheus: {@code rate_limit_refusals_total{event="message:new"}}).
 */
public final class RateLimiter {
    /** The class-path resource of the Lua prelude that defines {@code rate_limit}. */
    public static final String PRELUDE = "/lua/rate_limit.lua";

    static final LuaScript CHECK = LuaScript.fromResources(RateLimiter.class, PRELUDE, "/lua/rate_check.lua");

    private final RateLimits limits;
    private final BiFunction<String, String, String> keyOf;
    private final MeterRegistry metrics = Metrics.globalRegistry();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    /**
     * @param limits the limits per event and the ceiling
     * @param keyOf  the service's key for (user id, bucket): the bucket is the event name, or
     *               {@link RateLimits#CEILING_BUCKET} for the events that share the ceiling
     */
    public RateLimiter(RateLimits limits, BiFunction<String, String, String> keyOf) {
        this.limits = limits;
        this.keyOf = keyOf;
    }

    /** The check of one {@code event} (client event name, e.g. {@code message:new}) by {@code userId}. */
    public RateCheck check(String userId, String event) {
        RateLimits.Rule rule = limits.ruleFor(event);
        return new RateCheck(this, rule, keyOf.apply(userId, rule.bucket()));
    }

    /** The limits it enforces. */
    public RateLimits limits() {
        return limits;
    }

    void countRefusal(String event) {
        // Building a meter is costly on the hot path: look each counter up once.
        refusals.computeIfAbsent(event, e -> metrics.getOrCreate(Counter.builder("rate.limit.refusals")
                .description("Client events refused by a per-user rate limit")
                .tags(List.of(Tag.create("event", e))))).increment();
    }
}
