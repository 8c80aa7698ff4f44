package io.sup.realtime.platform.redis;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Readiness: the service's Redis answers PING; on Redis Cluster, a master answers
 * {@code CLUSTER INFO} with {@code cluster_state:ok} (every slot is served, so every key the
 * service may touch is reachable; the cluster itself refuses commands while it is not ok).
 * Masters are asked in turn until one answers, so one master being away does not by itself
 * take every pod out of service before the cluster has decided (failover or fail).
 * Reported at {@code /health/ready}.
 */
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
            if (redis instanceof MeteredRedis cluster && cluster.isCluster()) {
                return clusterState(cluster);
            }
            return HealthCheckResponse.builder().status("PONG".equals(redis.ping())).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder().status(false).detail("error", e.getClass().getSimpleName()).build();
        }
    }

    private static HealthCheckResponse clusterState(MeteredRedis cluster) {
        RuntimeException last = new IllegalStateException("no cluster master known");
        for (ConnectionPool master : cluster.masters().values()) {
            try (Connection connection = master.getResource()) {
                String info = connection.executeCommand(new CommandObject<>(
                        new CommandArguments(Protocol.Command.CLUSTER).add("INFO"), BuilderFactory.STRING));
                boolean ok = info.lines().anyMatch("cluster_state:ok"::equals);
                return HealthCheckResponse.builder().status(ok).detail("cluster_state", ok ? "ok" : "fail").build();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        // Every master we knew is unreachable: perhaps they moved; learn the topology again
        // for the next check.
        try {
            cluster.refreshTopology();
        } catch (RuntimeException e) {
            // The next check tries again.
        }
        throw last;
    }
}
