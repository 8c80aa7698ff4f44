package io.sup.realtime.messaging.delivery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

import static org.awaitility.Awaitility.await;

/**
 * Gateway instances' inboxes on a real Redis, each subscribed as a gateway subscribes it
 * ({@link InboxSubscriber}) and collecting the frames it receives, in order: what the
 * delivery bus sent to each instance.
 */
final class GatewayInboxes implements AutoCloseable {
    private final Map<String, InboxSubscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, BlockingQueue<DeliveryFrame>> frames = new LinkedHashMap<>();

    /** Subscribes the inboxes of {@code instances}, waiting (up to {@code within}) until each is subscribed. */
    static GatewayInboxes subscribe(RedisServerExtension redis, Duration within, String... instances) {
        GatewayInboxes inboxes = new GatewayInboxes();
        for (String instance : instances) {
            BlockingQueue<DeliveryFrame> received = new LinkedBlockingQueue<>();
            InboxSubscriber subscriber = new InboxSubscriber(redis.settings(), instance, received::add);
            inboxes.frames.put(instance, received);
            inboxes.subscribers.put(instance, subscriber);
            subscriber.start();
        }
        await("inboxes subscribed").atMost(within)
                .until(() -> inboxes.subscribers.values().stream().allMatch(InboxSubscriber::isSubscribed));
        return inboxes;
    }

    /** The frames {@code instance}'s inbox received and no one took yet. */
    BlockingQueue<DeliveryFrame> of(String instance) {
        return frames.get(instance);
    }

    @Override
    public void close() {
        subscribers.values().forEach(InboxSubscriber::close);
    }
}
