package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.helidon.health.HealthCheckResponse;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Redis connection settings and the readiness check, against a real Redis that is really
 * stopped: settings come from {@code redis.url}, and readiness is DOWN while Redis is away
 * and UP again once it is back.
 */
class RedisReadinessFollowsRedisTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void readinessIsDownWhileRedisIsStoppedAndUpWhenItIsBack() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            RedisReadiness readiness = new RedisReadiness(redis);
            assertEquals(HealthCheckResponse.Status.UP, readiness.call().status());

            REDIS.stop();
            HealthCheckResponse down;
            try {
                down = readiness.call();
            } finally {
                REDIS.startAgain();
            }

            assertEquals(HealthCheckResponse.Status.DOWN, down.status());
            assertEquals("JedisConnectionException", down.details().get("error"));
            // The pool may hand out one connection that broke with the old server first.
            Instant deadline = Instant.now().plusSeconds(5);
            while (readiness.call().status() != HealthCheckResponse.Status.UP) {
                if (Instant.now().isAfter(deadline)) {
                    fail("readiness not UP within 5 s of Redis coming back");
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void settingsComeFromRedisUrlAndReachThatRedis() {
        Settings settings = Settings.of("x", Map.of("redis.url", REDIS.url().toString(), "redis.timeout.ms", "1500"));

        RedisSettings redisSettings = RedisSettings.from(settings);

        assertEquals(REDIS.url(), redisSettings.uri());
        assertEquals(Duration.ofMillis(1500), redisSettings.timeout());
        try (UnifiedJedis redis = redisSettings.newClient()) {
            assertEquals("PONG", redis.ping());
        }
    }

    @Test
    void aNonRedisSchemeIsRefusedWithoutEchoingTheCredentials() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisSettings(URI.create("http://user:hunter2@cache:6379"), Duration.ofSeconds(1)));

        assertEquals("Redis URL 'http://cache' must be redis://host:port or rediss://host:port", e.getMessage());
    }

    @Test
    void redisAndRedissSchemesAreAccepted() {
        assertEquals("redis", new RedisSettings(URI.create("redis://cache:6379/2"), Duration.ofSeconds(1))
                .uri().getScheme());
        assertEquals("rediss", new RedisSettings(URI.create("rediss://:pw@cache:6380"), Duration.ofSeconds(1))
                .uri().getScheme());
    }
}
