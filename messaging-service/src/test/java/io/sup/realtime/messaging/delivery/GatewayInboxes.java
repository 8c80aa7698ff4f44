package io.sup.realtime.messaging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.sup.realtime.platform.bus.InboxSubscriber;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.platform.testing.RouteAnnouncements;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import redis.clients.jedis.UnifiedJedis;

import static org.awaitility.Awaitility.await;

/**
 * Gateway instances' side of the delivery bus on a real Redis: each instance's inbox
 * subscribed as a gateway subscribes it ({@link InboxSubscriber}), collecting the frames it
 * receives in order (what the bus sent to that instance), and the routing registry's entries
 * a gateway writes when a user connects to it.
 */
final class GatewayInboxes implements AutoCloseable {
    private final Map<String, InboxSubscriber> subscribers = new LinkedHashMap<>();
    private final Map<String, BlockingQueue<DeliveryFrame>> frames = new LinkedHashMap<>();
    private final UnifiedJedis redis;
    private final RoutingRegistry registry;
    private boolean routeCache = true;

    private GatewayInboxes(RedisServerExtension redis) {
        this.redis = redis.settings().newClient();
        this.registry = new RoutingRegistry(this.redis, Duration.ofSeconds(30), Clock.systemUTC());
    }

    /** Subscribes the inboxes of {@code instances}, waiting (up to {@code within}) until each is subscribed. */
    static GatewayInboxes subscribe(RedisServerExtension redis, Duration within, String... instances) {
        GatewayInboxes inboxes = new GatewayInboxes(redis);
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

    /** Routes {@code userId} to {@code instance}, as that gateway does on the user's first connection there. */
    void connect(String instance, String userId) {
        if (routeCache) {
            RouteAnnouncements.addUser(registry, instance, userId); // once the service's cache applied it
        } else {
            registry.addUser(instance, userId);
        }
    }

    /** Removes {@code userId}'s route to {@code instance}, as that gateway does when its last connection of the user closes. */
    void disconnect(String instance, String userId) {
        if (routeCache) {
            RouteAnnouncements.removeUser(registry, instance, userId);
        } else {
            registry.removeUser(instance, userId);
        }
    }

    /** For a service started without a route cache ({@code bus.route.cache.entries=0}): writes wait for none. */
    GatewayInboxes withoutRouteCache() {
        routeCache = false;
        return this;
    }

    @Override
    public void close() {
        subscribers.values().forEach(InboxSubscriber::close);
        redis.close();
    }
}
