package io.sup.realtime.platform.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;

/**
 * A subscription to one sharded pub/sub channel (SSUBSCRIBE, Redis 7.0+) that lives until
 * closed: a dedicated Redis connection read by its own platform thread, which hands each
 * message to a {@link Listener}.
 *
 * <p>When Redis goes away it reconnects with capped exponential backoff (100 ms doubling to
 * 5 s) until closed. On Redis Cluster each (re)connection goes to the master that serves the
 * channel's slot at that moment, learnt afresh from the seed nodes
 * ({@link RedisSettings#newSubscriberConnection}): after a failover the connection breaks and
 * the next attempt finds the promoted replica; when the slot migrates Redis ends the
 * subscription (SUNSUBSCRIBE) and this follows it. Messages published while it is not
 * subscribed are lost for it (pub/sub is at-most-once): {@link Listener#onLost} and
 * {@link Listener#onSubscribed} bracket every such gap. The loop is ours rather than a
 * fault-tolerance {@code Retry}: it is a subscription that lives forever, not a call with a
 * result.
 */
public final class ShardedSubscription implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ShardedSubscription.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** What the subscription tells its owner, on the subscription's thread; nothing here may block. */
    public interface Listener {
        /** One message from the channel, as published. */
        void onMessage(byte[] message);

        /** Redis confirmed the subscription: from now on every message published reaches {@link #onMessage}. */
        default void onSubscribed() {
        }

        /** The subscription ended (connection broken, slot moved, or closed): messages may be missed until {@link #onSubscribed}. */
        default void onLost() {
        }
    }

    private final RedisSettings redis;
    private final byte[] channel;
    private final String what;
    private final Listener listener;
    private final Thread thread;
    private final AtomicReference<Connection> connection = new AtomicReference<>();
    private final AtomicReference<BinaryJedisShardedPubSub> subscription = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param redis      where the channel's Redis is
     * @param channel    the sharded channel's name
     * @param threadName the subscriber thread's name
     * @param what       what the channel carries, for the log ("delivery inbox")
     * @param listener   told of messages and of the subscription's state, on the subscriber thread
     */
    public ShardedSubscription(RedisSettings redis, byte[] channel, String threadName, String what, Listener listener) {
        this.redis = redis;
        this.channel = channel.clone();
        this.what = what;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
    }

    /** Starts subscribing in the background. */
    public void start() {
        thread.start();
    }

    /** Whether the subscription is currently active (for readiness). */
    public boolean isSubscribed() {
        BinaryJedisShardedPubSub current = subscription.get();
        return current != null && current.isSubscribed();
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try (Connection conn = redis.newSubscriberConnection(channel)) {
                connection.set(conn);
                if (closed) {
                    break; // close() ran while we connected and may not have seen this connection
                }
                BinaryJedisShardedPubSub pubSub = new BinaryJedisShardedPubSub() {
                    @Override
                    public void onSMessage(byte[] ch, byte[] message) {
                        listener.onMessage(message);
                    }

                    @Override
                    public void onSSubscribe(byte[] ch, int count) {
                        LOG.log(Level.INFO, "subscribed to " + what);
                        listener.onSubscribed();
                    }
                };
                subscription.set(pubSub);
                backoff = FIRST_BACKOFF;
                pubSub.proceed(conn, channel); // blocks until unsubscribed or the connection breaks
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.log(Level.WARNING, what + " subscription lost (" + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + "); retrying in " + backoff.toMillis() + " ms");
            } finally {
                // A pub/sub whose connection broke keeps its last channel count (Jedis resets it
                // only on an SUNSUBSCRIBE reply): forget it, or isSubscribed() stays true.
                subscription.set(null);
                listener.onLost();
            }
            if (!closed) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unsubscribes and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        BinaryJedisShardedPubSub current = subscription.get();
        try {
            if (current != null && current.isSubscribed()) {
                current.sunsubscribe();
            }
        } catch (RuntimeException e) {
            // The connection is going anyway.
        }
        Connection conn = connection.get();
        if (conn != null) {
            conn.close();
        }
        thread.interrupt();
    }
}
