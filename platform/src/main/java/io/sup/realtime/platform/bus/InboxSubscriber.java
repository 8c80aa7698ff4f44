package io.sup.realtime.platform.bus;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;

/**
 * The receiving side of the delivery bus for one gateway instance: a dedicated Redis
 * connection subscribed (SSUBSCRIBE) to {@code gw:{<instance>}:inbox}, handing each decoded
 * {@link DeliveryFrame} to a handler on the subscriber thread. The handler must not block:
 * the gateway only enqueues onto connections' writers.
 *
 * <p>When Redis goes away the subscriber reconnects with capped exponential backoff
 * (100 ms doubling to 5 s) until closed. On Redis Cluster each (re)connection goes to the
 * master that serves the channel's slot at that moment, learnt afresh from the seed nodes: after
 * a failover the connection breaks and the next attempt finds the promoted replica; when the
 * slot migrates Redis ends the subscription (SUNSUBSCRIBE) and the subscriber follows it. Frames published meanwhile are lost for this
 * instance (pub/sub is at-most-once); clients recover them from the services' durable logs.
 * The loop is ours rather than a fault-tolerance {@code Retry}: it is a subscription that
 * lives forever, not a call with a result.
 */
public final class InboxSubscriber implements AutoCloseable {
    private static final Logger LOG = System.getLogger(InboxSubscriber.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final RedisSettings redis;
    private final byte[] channel;
    private final Consumer<DeliveryFrame> handler;
    private final Thread thread;
    private final AtomicReference<Connection> connection = new AtomicReference<>();
    private final AtomicReference<BinaryJedisShardedPubSub> subscription = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param redis    where the bus's Redis is
     * @param instance this gateway instance's id
     * @param handler  called once per received frame, on the subscriber thread
     */
    public InboxSubscriber(RedisSettings redis, String instance, Consumer<DeliveryFrame> handler) {
        this.redis = redis;
        this.channel = BusKeys.inbox(instance);
        this.handler = handler;
        this.thread = Thread.ofPlatform().name("inbox-" + instance).daemon().unstarted(this::run);
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
                        deliver(message);
                    }

                    @Override
                    public void onSSubscribe(byte[] ch, int count) {
                        LOG.log(Level.INFO, "subscribed to delivery inbox");
                    }
                };
                subscription.set(pubSub);
                backoff = FIRST_BACKOFF;
                pubSub.proceed(conn, channel); // blocks until unsubscribed or the connection breaks
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.log(Level.WARNING, "delivery inbox subscription lost (" + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + "); retrying in " + backoff.toMillis() + " ms");
            } finally {
                // A pub/sub whose connection broke keeps its last channel count (Jedis resets it
                // only on an SUNSUBSCRIBE reply): forget it, or isSubscribed() stays true.
                subscription.set(null);
            }
            if (!closed) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void deliver(byte[] message) {
        hand(message, handler, "the inbox");
    }

    /**
     * Decodes one serialized {@link DeliveryFrame} and gives it to {@code handler}: a frame that
     * does not decode is dropped and a handler that throws is logged (neither stops the
     * caller's loop; the log names the size and event, never the content).
     *
     * @param source where the frame came from, for the log ("the inbox", or the method whose
     *               response carried it)
     */
    public static void hand(byte[] serialized, Consumer<DeliveryFrame> handler, String source) {
        DeliveryFrame frame;
        try {
            frame = DeliveryFrame.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            LOG.log(Level.WARNING, "dropped a malformed delivery frame of " + serialized.length + " bytes from " + source);
            return;
        }
        try {
            handler.accept(frame);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "delivery handler failed for event " + frame.getEvent() + " from " + source, e);
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
