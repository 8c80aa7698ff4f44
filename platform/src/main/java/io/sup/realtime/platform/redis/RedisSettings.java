package io.sup.realtime.platform.redis;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import io.sup.realtime.platform.config.Settings;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.executors.ClusterCommandExecutor;
import redis.clients.jedis.executors.DefaultCommandExecutor;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where a service's Redis is and how to reach it: {@code redis[s]://[[user]:password@]host[:port][/db]}
 * (the original's {@code REDIS_URL}), with connect and read timeouts; or, on Redis Cluster
 * ({@code REDIS_CLUSTER=true}), one or more comma-separated seed nodes of that form, from which
 * the client learns the cluster's slots (CLUSTER SLOTS) and follows MOVED/ASK redirections.
 *
 * <p>The first node gives the user, password and TLS ({@code rediss}) for every node of the
 * cluster; a cluster has no databases, so a {@code /db} other than 0 is refused there.
 *
 * @param nodes   the Redis URI (standalone: exactly one), or the cluster's seed nodes
 * @param cluster whether {@code nodes} are seeds of a Redis Cluster
 * @param timeout connect timeout, and how long a command's write and its reply may take
 */
public record RedisSettings(List<URI> nodes, boolean cluster, Duration timeout) {
    /** Pooled connections per client (per node on a cluster). */
    static final int POOL_SIZE = 64;

    /**
     * Whether {@code failure} is a command that found no free pooled connection within the
     * timeout (Jedis's "Could not get a resource from the pool" around commons-pool2's
     * {@code NoSuchElementException}, which it also throws for a new connection that could not
     * be activated or validated): Redis is as unavailable to it as when the connection is lost.
     */
    public static boolean isPoolExhausted(Throwable failure) {
        return failure instanceof JedisException && !(failure instanceof JedisConnectionException)
                && failure.getCause() instanceof NoSuchElementException;
    }

    /**
     * Tries per command on a cluster (redirections and reconnects included): enough to follow a
     * MOVED after a failover, few enough that a dead node fails the call within the deadline.
     */
    static final int CLUSTER_MAX_ATTEMPTS = 5;
    /**
     * How often a cluster client learns the slots again (CLUSTER SLOTS) on its own, besides on
     * a MOVED or a broken connection: bounds how long a client that only pipelines to a moved
     * slot could stay wrong.
     */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    /** Validates every URI's scheme, and that standalone has one node and a cluster no database. */
    public RedisSettings {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("Redis URL must name at least one redis://host:port");
        }
        if (!cluster && nodes.size() > 1) {
            throw new IllegalArgumentException("Redis URL names " + nodes.size()
                    + " nodes: several seed nodes need REDIS_CLUSTER=true");
        }
        for (URI uri : nodes) {
            // isValid checks only that a scheme, a host and a port are present: check the scheme too.
            // The message names scheme and host only: the URI may carry a password.
            if (!JedisURIHelper.isValid(uri)
                    || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
                throw new IllegalArgumentException("Redis URL '" + uri.getScheme() + "://" + uri.getHost()
                        + "' must be redis://host:port or rediss://host:port");
            }
            if (cluster && JedisURIHelper.getDBIndex(uri) != 0) {
                throw new IllegalArgumentException("Redis URL '" + uri.getScheme() + "://" + uri.getHost()
                        + "' selects database " + JedisURIHelper.getDBIndex(uri) + ": Redis Cluster has only database 0");
            }
        }
    }

    /** A standalone Redis at {@code uri}. */
    public RedisSettings(URI uri, Duration timeout) {
        this(List.of(uri), false, timeout);
    }

    /**
     * Reads {@code redis.url} ({@code REDIS_URL}: one URI, or comma-separated seed nodes),
     * {@code redis.cluster} ({@code REDIS_CLUSTER}) and {@code redis.timeout.ms}.
     */
    public static RedisSettings from(Settings settings) {
        boolean cluster = settings.bool("redis.cluster");
        List<URI> nodes = settings.parsed("redis.url", text -> List.of(text.split(",")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList());
        return new RedisSettings(nodes, cluster, settings.millis("redis.timeout.ms"));
    }

    /** The first (for standalone: the only) node's URI. */
    public URI uri() {
        return nodes.getFirst();
    }

    /**
     * A pooled client for commands, scripts and pipelines: over one node's pool, or over a
     * cluster (a pool per node, commands routed by their keys' slot). Its commands and
     * pipelines are timed and their failures counted ({@link RedisMeters}).
     *
     * <p>A reply later than {@link #timeout} fails its command with a
     * {@code JedisConnectionException} caused by a {@code SocketTimeoutException}. Standalone,
     * the connections' replies are timed by a {@link ReplyTimeoutWatch} rather than a socket
     * timeout, which costs a virtual thread a timer per read ({@link WatchedConnection}). On a
     * cluster they keep the socket timeout: Jedis's cluster client makes its nodes' connections
     * itself, with no hook for another kind.
     */
    public UnifiedJedis newClient() {
        // Jedis's default pool (8 connections) makes virtual threads queue for a connection;
        // Redis multiplexes many connections cheaply.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        // A bounded wait for a free connection, never the pool's default (forever). Unbounded,
        // commons-pool2 (2.12; 2.13 alike) lets a caller that finds the pool full while its
        // connections are being made wait for an idle one that never comes when every attempt
        // fails (a hung Redis: CallersWaitingForAConnectionFailInTimeTest), and its wait for
        // those attempts is a no-op after the first wake-up, so waiters spin in
        // GenericObjectPool.create (seen in a profile: a gateway whose Redis was gone at 93 %
        // CPU). A caller with no connection after about the timeout (its wait, then perhaps its
        // own connection attempt: up to twice it) fails as Redis unavailable.
        pool.setMaxWait(timeout);
        RedisMeters meters = RedisMeters.global();
        if (cluster) {
            ClusterConnectionProvider provider = new ClusterConnectionProvider(seeds(), clientConfig(), pool,
                    TOPOLOGY_REFRESH);
            ClusterCommandExecutor executor = new ClusterCommandExecutor(provider, CLUSTER_MAX_ATTEMPTS,
                    timeout.multipliedBy(CLUSTER_MAX_ATTEMPTS));
            return new MeteredRedis(new MeteredExecutor(executor, meters, null), provider, new ClusterCommandObjects(), meters);
        }
        JedisClientConfig config = clientConfig();
        HostAndPort node = hostAndPort(uri());
        JedisSocketFactory sockets = new DefaultJedisSocketFactory(node, config);
        ConnectionFactory connections = ConnectionFactory.builder()
                .hostAndPort(node)
                .clientConfig(config)
                .socketFactory(sockets)
                .connectionBuilder(new WatchedConnection.Builder(ReplyTimeoutWatch.of(timeout))
                        .socketFactory(sockets)
                        .clientConfig(config))
                .build();
        PooledConnectionProvider provider = new PooledConnectionProvider(connections, pool);
        return new MeteredRedis(new MeteredExecutor(new DefaultCommandExecutor(provider), meters,
                () -> MeteredRedis.dropIdleConnections(provider)), provider,
                new CommandObjects(), meters);
    }

    /**
     * A dedicated connection, for a subscription that holds it (pub/sub cannot share a
     * pooled connection). The subscriber blocks reading it, so it has no read timeout.
     *
     * <p>On a cluster it is a connection to the master that serves {@code channel}'s slot now,
     * learnt afresh from the seed nodes on every call, so a subscriber that reconnects after a
     * failover or a slot migration finds the channel's new home.
     *
     * @param channel the sharded channel the connection will SSUBSCRIBE to
     */
    public Connection newSubscriberConnection(byte[] channel) {
        JedisClientConfig subscriber = DefaultJedisClientConfig.builder()
                .from(clientConfig())
                .socketTimeoutMillis(0)
                .build();
        if (!cluster) {
            return new Connection(hostAndPort(uri()), subscriber);
        }
        HostAndPort owner;
        try (ClusterConnectionProvider topology = new ClusterConnectionProvider(seeds(), clientConfig())) {
            owner = topology.getNode(JedisClusterCRC16.getSlot(channel));
        }
        if (owner == null) {
            throw new IllegalStateException("no cluster node serves slot " + JedisClusterCRC16.getSlot(channel));
        }
        return new Connection(owner, subscriber);
    }

    private Set<HostAndPort> seeds() {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        nodes.forEach(uri -> seeds.add(hostAndPort(uri)));
        return seeds;
    }

    private static HostAndPort hostAndPort(URI uri) {
        return JedisURIHelper.getHostAndPort(uri);
    }

    private JedisClientConfig clientConfig() {
        URI uri = uri();
        return DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .build();
    }
}
