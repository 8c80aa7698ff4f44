package io.sup.realtime.platform.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script kept as a class-path resource and run by its SHA-1 (EVALSHA), loading it
 * again when Redis has forgotten it (after a restart or SCRIPT FLUSH).
 */
public final class LuaScript {
    private final String source;
    private volatile String sha;

    private LuaScript(String source) {
        this.source = source;
    }

    /**
     * Reads the script at {@code resource} on the class path of {@code owner}.
     *
     * @throws UncheckedIOException when the resource is missing
     */
    public static LuaScript fromResource(Class<?> owner, String resource) {
        return fromResources(owner, resource);
    }

    /**
     * One script made of several resources, in order: shared functions first (e.g. a limiter
     * the script calls), then the script's body.
     *
     * @throws UncheckedIOException when a resource is missing
     */
    public static LuaScript fromResources(Class<?> owner, String... resources) {
        StringBuilder source = new StringBuilder();
        for (String resource : resources) {
            try (InputStream in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new UncheckedIOException(new IOException("missing script resource " + resource));
                }
                if (!source.isEmpty()) {
                    source.append('\n');
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LuaScript(source.toString());
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
        // The key names the shard on Redis Cluster; standalone ignores it.
        sha = keys.isEmpty() ? redis.scriptLoad(source) : redis.scriptLoad(source, keys.get(0));
        return redis.evalsha(sha, keys, args);
    }
}
