package io.sup.realtime.platform.redis;

import java.net.URI;
import java.time.Duration;

import io.sup.realtime.platform.config.Settings;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where a service's Redis is and how to reach it: {@code redis[s]://[[user]:password@]host[:port][/db]}
 * (the original's {@code REDIS_URL}), with connect and read timeouts.
 *
 * @param uri            the Redis URI
 * @param timeout        connect and socket timeout for commands
 */
public record RedisSettings(URI uri, Duration timeout) {
    /** Pooled connections per client. */
    static final int POOL_SIZE = 64;

    /** Validates the URI scheme. */
    public RedisSettings {
        // isValid checks only that a scheme, a host and a port are present: check the scheme too.
        if (!JedisURIHelper.isValid(uri)
                || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException("Redis URL '" + uri.getScheme() + "://" + uri.getHost()
                    + "' must be redis://host:port or rediss://host:port");
        }
    }

    /** Reads {@code redis.url} ({@code REDIS_URL}) and {@code redis.timeout.ms}. */
    public static RedisSettings from(Settings settings) {
        return new RedisSettings(settings.uri("redis.url"), settings.millis("redis.timeout.ms"));
    }

    /** A pooled client for commands, scripts and pipelines. */
    public RedisClient newClient() {
        // Jedis's default pool (8 connections) makes virtual threads queue for a connection;
        // Redis multiplexes many connections cheaply.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        return RedisClient.builder()
                .hostAndPort(hostAndPort())
                .clientConfig(clientConfig())
                .poolConfig(pool)
                .build();
    }

    /**
     * A dedicated connection, for a subscription that holds it (pub/sub cannot share a
     * pooled connection). The subscriber blocks reading it, so it has no read timeout.
     */
    public Connection newSubscriberConnection() {
        return new Connection(hostAndPort(), DefaultJedisClientConfig.builder()
                .from(clientConfig())
                .socketTimeoutMillis(0)
                .build());
    }

    private HostAndPort hostAndPort() {
        return JedisURIHelper.getHostAndPort(uri);
    }

    private JedisClientConfig clientConfig() {
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
