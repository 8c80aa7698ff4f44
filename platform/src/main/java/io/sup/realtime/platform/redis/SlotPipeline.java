package io.sup.realtime.platform.redis;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClusterInfoCache;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.IOUtils;

/**
 * A pipeline on a Redis Cluster: each command goes to the master of its keys' hash slot, on one
 * connection per master borrowed from the client's pools, and {@link #sync} reads every master's
 * replies in order after flushing them all, so the masters work in parallel and the round trip
 * costs the slowest of them.
 *
 * <p>It replaces Jedis's {@code ClusterPipeline} (as of 7.2.0 and 7.5.3), whose sync starts a thread pool
 * per multi-master sync and, when a master's connection fails, removes that master's entry from
 * a map iterator on its worker thread (a comment in Jedis's source says this is not thread-safe: seen
 * here as an {@code IllegalStateException} from {@code LinkedHashIterator.remove}), logs the
 * error and returns normally, so the caller's replies say only "Please close pipeline". Here a
 * master whose connection fails is dropped from the pipeline (its connection closed as broken,
 * so the pool destroys it, and that master's idle pooled connections closed), the other
 * masters' replies are still read and set, and sync then throws that failure; replies read
 * before it keep their values. No thread is started: the replies are already on their way
 * from every master when the first one is read.
 */
final class SlotPipeline extends AbstractPipeline {
    private final ClusterConnectionProvider provider;
    /** The masters this pipeline has sent to, in first-use order, with their unanswered replies. */
    private final Map<HostAndPort, NodeQueue> nodes = new LinkedHashMap<>();

    SlotPipeline(ClusterConnectionProvider provider, ClusterCommandObjects commands) {
        super(commands);
        this.provider = provider;
    }

    /**
     * Writes the command to its slot's master (buffered until {@link #sync}).
     *
     * @throws JedisConnectionException when no connection to that master can be had or the write fails
     */
    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        // null for a command without keys (or a slot not mapped yet): the provider then gives
        // a connection to any master, as Jedis's ClusterPipeline does.
        HostAndPort node = provider.getNode(((ClusterCommandArguments) command.getArguments()).getCommandHashSlot());
        NodeQueue queue = nodes.get(node);
        if (queue == null) {
            queue = new NodeQueue(provider.getConnection(node));
            nodes.put(node, queue);
        }
        try {
            queue.connection.sendCommand(command.getArguments());
        } catch (JedisConnectionException e) {
            // Its buffer filled and the write failed: the master is out of this pipeline now,
            // replies queued for it before stay unset (the caller sees this exception first).
            nodes.remove(node);
            discard(node, queue.connection);
            throw e;
        }
        Response<T> reply = new Response<>(command.getBuilder());
        queue.replies.add(reply);
        return reply;
    }

    /**
     * Flushes every master's commands, then reads each master's replies into their
     * {@link Response}s (error replies become exceptions thrown when read).
     *
     * <p>Masters are read one after another, each read bounded by the socket timeout: a sync
     * with k hung masters fails after about k times {@code REDIS_TIMEOUT_MS}.
     *
     * @throws JedisConnectionException the first master's connection failure (or reply that could
     *                                  not be read), after every other master's replies have been read
     */
    @Override
    public void sync() {
        JedisConnectionException failure = null;
        for (NodeQueue queue : nodes.values()) {
            try {
                queue.connection.getMany(0); // flushes (Connection.flush is not public) and reads nothing
            } catch (JedisConnectionException e) {
                // The connection is broken now and its commands still buffered: reading its
                // first reply below flushes again and fails the same way, where it is handled.
            }
        }
        for (Iterator<Map.Entry<HostAndPort, NodeQueue>> it = nodes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HostAndPort, NodeQueue> entry = it.next();
            HostAndPort node = entry.getKey();
            NodeQueue queue = entry.getValue();
            try {
                for (Response<?> reply = queue.replies.poll(); reply != null; reply = queue.replies.poll()) {
                    reply.set(readReply(queue.connection));
                }
            } catch (RuntimeException e) {
                // A broken connection, or a reply that could not be read (the stream's position
                // is then unknown): either way this connection must not serve anyone again.
                JedisConnectionException lost = e instanceof JedisConnectionException c ? c
                        : new JedisConnectionException("reading the replies of " + node + " failed", e);
                it.remove();
                discard(node, queue.connection);
                if (failure == null) {
                    failure = lost;
                } else {
                    failure.addSuppressed(lost);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Closes a master's connection that failed as broken (so its pool destroys it), and that
     * master's idle pooled connections: after a restart or a network cut they are dead too,
     * and each would fail a later pipeline (as {@link MeteredRedis#dropIdleConnections} does
     * standalone). {@code node} is null for a keyless command's connection (any master's).
     */
    private void discard(HostAndPort node, Connection connection) {
        connection.setBroken();
        IOUtils.closeQuietly(connection);
        ConnectionPool pool = node == null ? null : provider.getNodes().get(JedisClusterInfoCache.getNodeKey(node));
        if (pool != null) {
            pool.clear();
        }
    }

    /** The next reply on {@code connection}: its value, or the error reply as an exception for the Response to throw. */
    private static Object readReply(Connection connection) {
        try {
            return connection.getOne();
        } catch (JedisDataException e) {
            return e;
        }
    }

    /** Syncs, then hands every connection back to its pool. */
    @Override
    public void close() {
        try {
            sync();
        } finally {
            nodes.values().forEach(queue -> IOUtils.closeQuietly(queue.connection));
            nodes.clear();
        }
    }

    /** One master's connection and the replies it still owes, oldest first. */
    private static final class NodeQueue {
        final Connection connection;
        final ArrayDeque<Response<?>> replies = new ArrayDeque<>();

        NodeQueue(Connection connection) {
            this.connection = connection;
        }
    }
}
