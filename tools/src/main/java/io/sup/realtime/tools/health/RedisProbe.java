package io.sup.realtime.tools.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sup.realtime.tools.health.TargetHealth.FailingCheck;
import io.sup.realtime.tools.health.TargetHealth.State;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pings a Redis node directly ({@code PING}, RESP): {@code PONG} is UP; an error reply
 * ({@code LOADING} while it reads its AOF, {@code NOAUTH}, ...) means it answers but is
 * not ready; no connection is unreachable. Any node of a Redis Cluster answers PING, so each
 * seed is checked the same way.
 */
final class RedisProbe {
    private final Duration timeout;

    /** @param timeout connect and read timeout */
    RedisProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /** Pings {@code target}. Never throws for what Redis does. */
    TargetHealth probe(HealthTarget target) {
        long start = 0;
        try (Jedis jedis = new Jedis(target.url(), (int) timeout.toMillis())) {
            // Timed from the first command, which connects: the client's setting up is not Redis's latency.
            start = System.nanoTime();
            String reply = jedis.ping();
            long latencyMs = (System.nanoTime() - start) / 1_000_000;
            if ("PONG".equals(reply)) {
                return new TargetHealth(target, State.UP, "UP", "UP", List.of(), latencyMs, null);
            }
            return notReady(target, "unexpected reply " + reply, latencyMs);
        } catch (JedisConnectionException e) {
            return TargetHealth.unreachable(target, "no Redis answers" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (JedisException e) {
            // An error reply: Redis is there but refuses (LOADING, NOAUTH, WRONGPASS ...).
            return notReady(target, e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static TargetHealth notReady(HealthTarget target, String reply, long latencyMs) {
        String error = reply == null ? "error reply" : reply;
        return new TargetHealth(target, State.DOWN, "UP", "DOWN",
                List.of(new FailingCheck("ready", "ping", "DOWN", Map.of("reply", error))), latencyMs, null);
    }
}
