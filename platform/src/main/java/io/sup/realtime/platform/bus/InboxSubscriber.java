package io.sup.realtime.platform.bus;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.redis.ShardedSubscription;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

/**
 * The receiving side of the delivery bus for one gateway instance: a {@link ShardedSubscription}
 * to {@code gw:{<instance>}:inbox}, handing each decoded {@link DeliveryFrame} to a handler on
 * the subscriber thread. The handler must not block: the gateway only enqueues onto
 * connections' writers.
 *
 * <p>When Redis goes away the subscription reconnects (and on a cluster follows its slot's
 * master) until closed. Frames published meanwhile are lost for this instance (pub/sub is
 * at-most-once); clients recover them from the services' durable logs.
 */
public final class InboxSubscriber implements AutoCloseable {
    private static final Logger LOG = System.getLogger(InboxSubscriber.class.getName());

    private final ShardedSubscription subscription;

    /**
     * @param redis    where the bus's Redis is
     * @param instance this gateway instance's id
     * @param handler  called once per received frame, on the subscriber thread
     */
    public InboxSubscriber(RedisSettings redis, String instance, Consumer<DeliveryFrame> handler) {
        this.subscription = new ShardedSubscription(redis, BusKeys.inbox(instance), "inbox-" + instance,
                "delivery inbox", message -> hand(message, handler, "the inbox"));
    }

    /** Starts subscribing in the background. */
    public void start() {
        subscription.start();
    }

    /** Whether the subscription is currently active (for readiness). */
    public boolean isSubscribed() {
        return subscription.isSubscribed();
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

    /** Unsubscribes and stops reconnecting. */
    @Override
    public void close() {
        subscription.close();
    }
}
