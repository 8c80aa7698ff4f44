package io.sup.realtime.notification.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.notification.delivery.BusNotificationEvents;
import io.sup.realtime.notification.preferences.PreferenceService;
import io.sup.realtime.notification.preferences.PreferenceStore;
import io.sup.realtime.notification.push.PushSchedule;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.testing.MutableClock;
import redis.clients.jedis.UnifiedJedis;

/**
 * The notification domain wired as {@code Main} wires it, on a test's Redis and clock: the real
 * stores, the real delivery bus (no gateway listens, so every user counts as not connected) and
 * the real push schedule.
 */
public final class TestNotifications {
    public final MutableClock clock;
    public final NotificationStore store;
    public final PreferenceService preferences;
    public final PushSchedule pushes;
    public final NotificationService service;
    public final RoutingRegistry routes;

    /**
     * @param maxPerUser     most notifications per user
     * @param retention      how long they are kept
     * @param collapseWindow how long a burst gathers
     */
    public TestNotifications(UnifiedJedis redis, MutableClock clock, int maxPerUser, Duration retention,
                             Duration collapseWindow) {
        this.clock = clock;
        RateLimiter limiter = new RateLimiter(RateLimits.from(Settings.of("notification-service", Map.of())),
                NotificationKeys::rateLimit);
        this.routes = new RoutingRegistry(redis, Duration.ofSeconds(30), clock);
        this.store = new NotificationStore(redis, maxPerUser, retention);
        PreferenceStore preferenceStore = new PreferenceStore(redis, 100);
        this.preferences = new PreferenceService(preferenceStore, limiter, clock);
        this.pushes = new PushSchedule(redis);
        this.service = new NotificationService(store, preferenceStore, pushes,
                new BusNotificationEvents(new DeliveryBus(redis, routes, clock)),
                limiter, clock, collapseWindow, true);
    }

    /** A draft of {@code type} in {@code chatId} (empty: none). */
    public static Draft draft(NotificationType type, String chatId, String body) {
        return new Draft(type, Optional.empty(), "title", body, "",
                new NotificationData(chatId, chatId.isEmpty() ? "" : "1", "", "ann", "", Map.of()));
    }

    /** Creates one notification for {@code user} and answers it. */
    public Notification create(String user, Draft draft, String sourceKey) {
        return service.create(List.of(user), draft, sourceKey).getFirst().notification();
    }
}
