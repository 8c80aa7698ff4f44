package io.sup.realtime.platform.bus;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.google.protobuf.Empty;
import org.awaitility.Awaitility;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

/**
 * A real {@link InboxSubscriber} for one gateway instance that queues what it receives, with
 * bounded waits. {@link #framesBefore(DeliveryBus)} proves absence without sleeping: it
 * publishes a marker frame to this instance and returns what arrived before it (one channel,
 * one subscriber connection: Redis delivers in publication order).
 */
public final class CollectingInbox implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The marker is addressed to this made-up connection of the instance. */
    static final String MARKER_CONNECTION = "marker";

    final String instance;
    final BlockingQueue<DeliveryFrame> frames = new LinkedBlockingQueue<>();
    final InboxSubscriber subscriber;

    private CollectingInbox(RedisSettings redis, String instance) {
        this.instance = instance;
        this.subscriber = new InboxSubscriber(redis, instance, frames::add);
    }

    /** Starts a subscriber for {@code instance} and waits until it is subscribed. */
    public static CollectingInbox start(RedisSettings redis, String instance) {
        CollectingInbox inbox = new CollectingInbox(redis, instance);
        inbox.subscriber.start();
        awaitTrue(inbox.subscriber::isSubscribed, WAIT, instance + " subscribed");
        return inbox;
    }

    /** The next frame, failing after {@link #WAIT}. */
    public DeliveryFrame next() throws InterruptedException {
        DeliveryFrame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(frame, () -> instance + " received no frame within " + WAIT);
        return frame;
    }

    /** Every frame received before a marker published now (the marker is consumed). */
    public List<DeliveryFrame> framesBefore(DeliveryBus bus) throws InterruptedException {
        if (bus.toConnection(instance + "." + MARKER_CONNECTION, ServerEvent.ERROR, Empty.getDefaultInstance()) != 1) {
            fail("marker not published to " + instance);
        }
        List<DeliveryFrame> before = new ArrayList<>();
        for (DeliveryFrame frame = next(); !frame.getConnectionId().equals(instance + "." + MARKER_CONNECTION); frame = next()) {
            before.add(frame);
        }
        return before;
    }

    /** Polls {@code condition} every 20 ms until it holds, failing after {@code within}. */
    static void awaitTrue(BooleanSupplier condition, Duration within, String what) {
        Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
