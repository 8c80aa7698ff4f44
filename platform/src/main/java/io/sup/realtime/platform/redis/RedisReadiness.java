package io.sup.realtime.platform.redis;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import redis.clients.jedis.UnifiedJedis;

/** Readiness: the service's Redis answers PING. Reported at {@code /health/ready}. */
public final class RedisReadiness implements HealthCheck {
    private final UnifiedJedis redis;

    /** @param redis the client whose Redis must answer */
    public RedisReadiness(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public HealthCheckResponse call() {
        try {
            return HealthCheckResponse.builder().status("PONG".equals(redis.ping())).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder().status(false).detail("error", e.getClass().getSimpleName()).build();
        }
    }
}
