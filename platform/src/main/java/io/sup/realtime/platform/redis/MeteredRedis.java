package io.sup.realtime.platform.redis;

import java.util.Map;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * The services' Redis client ({@link RedisSettings#newClient()}): Jedis's {@link UnifiedJedis}
 * over one node's pool or over a Redis Cluster, whose commands ({@link MeteredExecutor}) and
 * pipelines ({@link #pipelined()}) are timed and whose failures are counted ({@link RedisMeters}).
 * Stores see only {@code UnifiedJedis}, so they run unchanged on either.
 *
 * <p>On a cluster, a pipeline sends each command to the master of its keys' slot (one
 * connection per node, answered in order per node), and MULTI is refused, as Jedis's
 * {@code RedisClusterClient} does: a transaction cannot span slots; atomic multi-key work is a
 * Lua script whose keys share one hash tag.
 */
public final class MeteredRedis extends UnifiedJedis {
    private final ConnectionProvider connections;
    private final ClusterConnectionProvider cluster;
    private final RedisMeters meters;

    MeteredRedis(CommandExecutor executor, ConnectionProvider connections, CommandObjects commands, RedisMeters meters) {
        super(executor, connections, commands);
        this.connections = connections;
        this.cluster = connections instanceof ClusterConnectionProvider c ? c : null;
        this.meters = meters;
    }

    /** Whether this client talks to a Redis Cluster. */
    public boolean isCluster() {
        return cluster != null;
    }

    /**
     * The cluster's masters as this client last learnt them ({@code host:port} to its pool),
     * for work that must reach every master (readiness, tests' FLUSHALL).
     *
     * @throws IllegalStateException on a standalone client
     */
    public Map<String, ConnectionPool> masters() {
        if (cluster == null) {
            throw new IllegalStateException("not a cluster client");
        }
        return cluster.getPrimaryNodes();
    }

    /** Asks Jedis to learn the cluster's slots again now (after a failover, say); no-op standalone. */
    public void refreshTopology() {
        if (cluster != null) {
            cluster.renewSlotCache();
        }
    }

    /**
     * Standalone: closes the pool's idle connections. Called when one connection broke: after a
     * Redis restart or a network cut the others are dead too, and each would otherwise fail the
     * next command that borrows it although Redis may be back.
     */
    static void dropIdleConnections(ConnectionProvider connections) {
        if (connections instanceof PooledConnectionProvider pooled) {
            pooled.getPool().clear();
        }
    }

    /** A pipeline whose sync is timed as {@code command=PIPELINE} (on a cluster: split by slot). */
    @Override
    public AbstractPipeline pipelined() {
        if (cluster != null) {
            return new MeteredPipeline(commandObjects, new SlotPipeline(cluster, (ClusterCommandObjects) commandObjects),
                    meters, this::refreshTopology, () -> { });
        }
        try {
            return new MeteredPipeline(commandObjects, new Pipeline(connections.getConnection(), true), meters, null,
                    () -> dropIdleConnections(connections));
        } catch (RuntimeException e) {
            meters.failed(e); // no connection to pipeline on
            throw e;
        }
    }

    @Override
    public AbstractTransaction transaction(boolean doMulti) {
        if (cluster != null) {
            throw new UnsupportedOperationException("MULTI is not available on Redis Cluster: use a Lua script on one hash tag");
        }
        return super.transaction(doMulti);
    }
}
