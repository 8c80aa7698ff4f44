package io.sup.realtime.platform.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script kept as a class-path resource and run by its SHA-1 (EVALSHA), loading it
 * again when Redis has forgotten it (after a restart or SCRIPT FLUSH).
 *
 * <p>A script may be built from several resources run as one (see {@link #fromResources}):
 * a shared prelude that defines {@code local} functions, such as platform's rate limiter
 * ({@code /lua/rate_limit.lua}), followed by the script that calls them.
 */
public final class LuaScript {
    /** Scripts' names by SHA-1, for the {@code redis.commands} timer's {@code script} tag. */
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

    private final String source;
    /** The SHA-1 Redis knows the script by, computed here so a pipeline can name it. */
    private final String digest;
    private volatile String sha;

    private LuaScript(String name, String source) {
        this.source = source;
        try {
            this.digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
        NAMES.putIfAbsent(digest, name);
    }

    /**
     * The name of the script whose SHA-1 is {@code sha1}: its (last) resource's file name, e.g.
     * {@code append_message.lua}, or {@code unknown} for a script not loaded through this class.
     */
    static String nameOf(String sha1) {
        return NAMES.getOrDefault(sha1, "unknown");
    }

    private static String fileName(String resource) {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    /**
     * Reads the script at {@code resource} on the class path of {@code owner}.
     *
     * @throws UncheckedIOException when the resource is missing
     */
    public static LuaScript fromResource(Class<?> owner, String resource) {
        return new LuaScript(fileName(resource), read(owner, resource));
    }

    /**
     * One script made of {@code resources} in order, joined by newlines: the first ones
     * define functions (a prelude), the last one is the body that uses them. Each resource is
     * looked up on the class path of {@code owner}, so a service's script can start with a
     * prelude from {@code platform}.
     *
     * @throws UncheckedIOException when a resource is missing
     * @throws IllegalArgumentException when no resource is given
     */
    public static LuaScript fromResources(Class<?> owner, String... resources) {
        if (resources.length == 0) {
            throw new IllegalArgumentException("a script needs at least one resource");
        }
        StringBuilder source = new StringBuilder();
        for (String resource : resources) {
            source.append(read(owner, resource));
            if (source.charAt(source.length() - 1) != '\n') {
                source.append('\n');
            }
        }
        return new LuaScript(fileName(resources[resources.length - 1]), source.toString());
    }

    private static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing script resource " + resource));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-1 of the script's source (lower-case hex), the name Redis caches it under. */
    public String sha1() {
        return digest;
    }

    /** Runs the script with these keys and arguments and returns Redis's reply. */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        String current = sha;
        if (current != null) {
            try {
                return redis.evalsha(current, keys, args);
            } catch (JedisNoScriptException e) {
                // Redis restarted or flushed its script cache: load it again below.
            }
        }
        return redis.evalsha(load(redis, keys), keys, args);
    }

    /**
     * Runs the script and, in the same round trip, {@code alongside}'s reads, queued after it
     * in one pipeline (so Redis runs them once the script has run, and they see what it wrote);
     * the round trip is timed as {@code redis.commands{command=PIPELINE, script=<its name>}}.
     * Where that order cannot hold, the script runs on its own and {@code alongside} is
     * {@linkplain PipelinedReads#discard() discarded}: on anything but a standalone
     * {@link MeteredRedis} (a cluster's pipeline sends each command to its own node, in no
     * order), before this process has loaded the script, when Redis had forgotten it (the
     * reads then ran, the script did not), and when the pipeline's pooled connection turned
     * out dead at once (after a Redis restart; the script then runs on a new connection, as
     * {@link MeteredExecutor} does for a command).
     *
     * @return Redis's reply to the script
     */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args, PipelinedReads alongside) {
        // sha, not digest: set once this process has run the script, so Redis most likely has it.
        String current = sha;
        if (alongside.isEmpty()) {
            return run(redis, keys, args);
        }
        if (current == null || !(redis instanceof MeteredRedis client) || client.isCluster()) {
            alongside.discard();
            return run(redis, keys, args);
        }
        Response<Object> reply;
        long start = System.nanoTime();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            ((MeteredPipeline) pipeline).timedAs(current);
            reply = pipeline.evalsha(current, keys, args);
            alongside.queueIn(pipeline);
            pipeline.sync();
        } catch (JedisConnectionException e) {
            if (System.nanoTime() - start > MeteredExecutor.STALE_FAILURE) {
                throw e; // Redis may have run the script: never run it twice
            }
            alongside.discard();
            return run(redis, keys, args);
        }
        try {
            return reply.get();
        } catch (JedisNoScriptException e) {
            RedisMeters.global().failed(e);
            alongside.discard();
            return redis.evalsha(load(redis, keys), keys, args);
        } catch (RuntimeException e) {
            RedisMeters.global().failed(e); // the script's error reply, as the executor counts it
            throw e;
        }
    }

    /**
     * Runs the script with binary keys and arguments and returns Redis's reply with bulk
     * strings as {@code byte[]}: for scripts that store or answer bytes that are not UTF-8 text
     * (e.g. protobuf-encoded values).
     */
    public Object runBinary(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        String current = sha;
        if (current != null) {
            try {
                return redis.evalsha(current.getBytes(StandardCharsets.US_ASCII), keys, args);
            } catch (JedisNoScriptException e) {
                // Redis restarted or flushed its script cache: load it again below.
            }
        }
        String loaded = keys.isEmpty() ? redis.scriptLoad(source)
                : redis.scriptLoad(source, new String(keys.get(0), StandardCharsets.UTF_8));
        sha = loaded;
        return redis.evalsha(loaded.getBytes(StandardCharsets.US_ASCII), keys, args);
    }

    /**
     * Queues a run of the script in {@code pipeline} (EVALSHA) and returns its reply, to read
     * after the pipeline's {@code sync()}. When Redis does not know the script (its first
     * use, or after a restart or SCRIPT FLUSH), reading the reply loads it and runs it on its
     * own: one extra round trip, only then (the refused EVALSHA ran nothing).
     *
     * @param redis    the client the pipeline belongs to, for loading the script
     * @param pipeline where the run is queued
     */
    public Supplier<Object> queue(UnifiedJedis redis, AbstractPipeline pipeline, List<String> keys, List<String> args) {
        Response<Object> reply = pipeline.evalsha(digest, keys, args);
        return () -> {
            try {
                return reply.get();
            } catch (JedisNoScriptException e) {
                return run(redis, keys, args);
            }
        };
    }

    private String load(UnifiedJedis redis, List<String> keys) {
        // The key names the shard on Redis Cluster; standalone ignores it.
        String loaded = keys.isEmpty() ? redis.scriptLoad(source) : redis.scriptLoad(source, keys.get(0));
        sha = loaded;
        return loaded;
    }
}
