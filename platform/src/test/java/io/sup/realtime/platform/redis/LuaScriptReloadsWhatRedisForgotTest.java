package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link LuaScript} on a real Redis: it runs by SHA (EVALSHA, never EVAL), and loads itself
 * again when Redis has forgotten it, after SCRIPT FLUSH or a restart.
 */
class LuaScriptReloadsWhatRedisForgotTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final LuaScript INCR_BY = LuaScript.fromResource(LuaScriptReloadsWhatRedisForgotTest.class,
            "/lua/incr_by.lua");

    @Test
    void itRunsByShaAndLoadsOnlyOnce() throws Exception {
        LuaScript script = LuaScript.fromResource(getClass(), "/lua/incr_by.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient(); Jedis admin = new Jedis(REDIS.url())) {
            admin.configResetStat();

            assertEquals(5L, script.run(redis, List.of("counter:{a}"), List.of("5")));
            assertEquals(8L, script.run(redis, List.of("counter:{a}"), List.of("3")));

            Map<String, Long> calls = commandCalls(admin);
            assertEquals(2L, calls.get("evalsha"), calls::toString);
            assertEquals(1L, calls.get("script|load"), () -> "one SCRIPT LOAD: " + calls);
            assertFalse(calls.containsKey("eval"), () -> "never EVAL: " + calls);
            assertTrue(admin.scriptExists(sha1("/lua/incr_by.lua")));
        }
    }

    @Test
    void itSurvivesScriptFlush() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient(); Jedis admin = new Jedis(REDIS.url())) {
            assertEquals(2L, INCR_BY.run(redis, List.of("counter:{b}"), List.of("2")));

            admin.scriptFlush();
            assertFalse(admin.scriptExists(sha1("/lua/incr_by.lua")));

            assertEquals(5L, INCR_BY.run(redis, List.of("counter:{b}"), List.of("3")));
            assertTrue(admin.scriptExists(sha1("/lua/incr_by.lua")));
        }
    }

    @Test
    void itSurvivesARedisRestart() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            assertEquals(4L, INCR_BY.run(redis, List.of("counter:{c}"), List.of("4")));
        }

        REDIS.restart();

        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            assertEquals(5L, INCR_BY.run(redis, List.of("counter:{c}"), List.of("1")),
                    "AOF kept the counter; the script was loaded again");
        }
    }

    @Test
    void aScriptWithoutKeysRuns() {
        LuaScript echo = LuaScript.fromResource(getClass(), "/lua/echo.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            assertEquals("hello", echo.run(redis, List.of(), List.of("hello")));
        }
    }

    @Test
    void aMissingResourceFailsAtLoad() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> LuaScript.fromResource(getClass(), "/lua/no-such-script.lua"));

        assertTrue(e.getMessage().contains("/lua/no-such-script.lua"), e.getMessage());
    }

    /** {@code cmdstat_<name>:calls=<n>,...} lines of INFO commandstats, as name -> calls. */
    private static Map<String, Long> commandCalls(Jedis admin) {
        return admin.info("commandstats").lines()
                .filter(line -> line.startsWith("cmdstat_"))
                .collect(Collectors.toMap(
                        line -> line.substring("cmdstat_".length(), line.indexOf(':')),
                        line -> Long.parseLong(line.replaceFirst("^[^:]*:calls=(\\d+),.*$", "$1"))));
    }

    private static String sha1(String resource) throws Exception {
        try (InputStream in = LuaScriptReloadsWhatRedisForgotTest.class.getResourceAsStream(resource)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(in.readAllBytes()));
        }
    }
}
