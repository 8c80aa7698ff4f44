package io.sup.realtime.platform.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The Redis client's meters, in Helidon's global registry (so {@code /metrics} of the
 * service's observe port shows them):
 *
 * <ul>
 *   <li>{@code redis.commands} (Prometheus {@code redis_commands_seconds}, a histogram):
 *       how long each command the service waited on took, from sending it to its reply,
 *       redirections and retries included. Tags: {@code command} (the Redis command, e.g.
 *       {@code HGET}, {@code EVALSHA}, or {@code PIPELINE} for one pipeline's sync) and
 *       {@code script} (for EVALSHA the Lua script's resource name, e.g.
 *       {@code append_message.lua}, and so for the PIPELINE of a script with reads sent in its
 *       round trip; {@code -} otherwise). Failed commands are timed too.</li>
 *   <li>{@code redis.errors} (Prometheus {@code redis_errors_total}): commands and pipelines
 *       that failed, tagged {@code kind}: {@code connection} (no connection, none free in the
 *       pool within the timeout, a broken one or a read timeout: Redis is away or slow),
 *       {@code cluster} (a cluster routing failure: redirections exhausted, no node for a
 *       slot, CROSSSLOT, CLUSTERDOWN, TRYAGAIN),
 *       {@code noscript} (Redis had forgotten a script, which is then loaded again: expected
 *       once per node after a restart or failover), {@code reply} (another error reply, e.g.
 *       a script's error) and {@code other}.</li>
 * </ul>
 *
 * <p>Meters are built once per tag value and cached: recording costs a map lookup.
 */
public final class RedisMeters {
    /** The command tag's value for a pipeline's sync. */
    static final String PIPELINE = "PIPELINE";
    private static final String NO_SCRIPT = "-";
    private static final RedisMeters GLOBAL = new RedisMeters(Metrics.globalRegistry());

    /** Up to 10 s: commands are bounded by the client's timeout (2 s by default). */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1).dividedBy(4), Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<String, Timer> commands = new ConcurrentHashMap<>();
    /** By command (EVALSHA, PIPELINE), then by SHA-1: no key to build per command run. */
    private final Map<String, Map<String, Timer>> scripts = Map.of("EVALSHA", new ConcurrentHashMap<>(),
            PIPELINE, new ConcurrentHashMap<>());
    private final Map<String, Counter> errors;

    private RedisMeters(MeterRegistry registry) {
        this.registry = registry;
        // Every kind from the start: a dashboard's rate() needs the series before the first
        // error, and an error then costs only a lookup in a fixed map.
        this.errors = Map.of("connection", errorCounter("connection"), "cluster", errorCounter("cluster"),
                "noscript", errorCounter("noscript"), "reply", errorCounter("reply"), "other", errorCounter("other"));
    }

    /** The meters in Helidon's global registry, shared by every client of the process. */
    public static RedisMeters global() {
        return GLOBAL;
    }

    /** The timer of {@code command} (upper case, e.g. {@code HGET}). */
    Timer command(String command) {
        return commands.computeIfAbsent(command, c -> timer(c, NO_SCRIPT));
    }

    /**
     * The timer of the script Redis knows by {@code sha1}, run as {@code command}: {@code EVALSHA}
     * on its own, or {@link #PIPELINE} for the round trip of a script with reads sent after it
     * ({@link LuaScript#run(redis.clients.jedis.UnifiedJedis, java.util.List, java.util.List,
     * PipelinedReads)}). Named when a {@link LuaScript} has it.
     */
    Timer script(String command, String sha1) {
        return scripts.get(command).computeIfAbsent(sha1, s -> timer(command, LuaScript.nameOf(s)));
    }

    /** Counts one failure, by the kind {@code error} shows. */
    void failed(RuntimeException error) {
        errors.get(kindOf(error)).increment();
    }

    private Counter errorCounter(String kind) {
        return registry.getOrCreate(Counter.builder("redis.errors")
                .description("Redis commands and pipelines that failed, by kind")
                .tags(List.of(Tag.create("kind", kind))));
    }

    static String kindOf(RuntimeException error) {
        return switch (error) {
            case JedisConnectionException e -> "connection";
            case JedisClusterOperationException e -> "cluster";
            case JedisRedirectionException e -> "cluster";
            case JedisNoScriptException e -> "noscript";
            case JedisDataException e when clusterReply(e.getMessage()) -> "cluster";
            case JedisDataException e -> "reply";
            case RuntimeException e when RedisSettings.isPoolExhausted(e) -> "connection";
            default -> "other";
        };
    }

    private static boolean clusterReply(String message) {
        return message != null && (message.startsWith("CROSSSLOT") || message.startsWith("CLUSTERDOWN")
                || message.startsWith("TRYAGAIN"));
    }

    private Timer timer(String command, String script) {
        return registry.getOrCreate(Timer.builder("redis.commands")
                .description("Redis commands and pipelines the service waited on, by command (PIPELINE: one sync) and script")
                .buckets(BUCKETS)
                .tags(List.of(Tag.create("command", command), Tag.create("script", script))));
    }
}
