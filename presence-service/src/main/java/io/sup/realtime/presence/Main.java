package io.sup.realtime.presence;

import java.time.Clock;
import java.util.List;

import io.grpc.ManagedChannel;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.expiry.SweepLog;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.grpc.GrpcTls;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycleEndpoint;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.presence.delivery.BusPresenceEvents;
import io.sup.realtime.presence.grpc.MessagingSharedChats;
import io.sup.realtime.presence.grpc.PresenceAdminGrpcEndpoint;
import io.sup.realtime.presence.grpc.PresenceGrpcEndpoint;
import io.sup.realtime.presence.status.PresenceService;
import io.sup.realtime.presence.status.PresenceStore;
import io.sup.realtime.presence.subscriptions.SubscriptionService;
import io.sup.realtime.presence.subscriptions.SubscriptionStore;
import io.sup.realtime.presence.visibility.ContactStore;
import io.sup.realtime.presence.visibility.Visibility;
import redis.clients.jedis.UnifiedJedis;

/**
 * presence-service: config -> Redis -> stores -> visibility (messaging-service over gRPC) ->
 * services -> gRPC endpoints -> servers, and the sweep that ends grace periods and expires
 * connections whose gateway stopped reporting, by hand.
 */
public final class Main {
    /** Most pairs of users whose "share a chat" answer is kept at once. */
    private static final long SHARED_CHAT_CACHE_SIZE = 200_000;

    private Main() {
    }

    /** Starts the service and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("presence-service", Main::start);
    }

    /** Starts the service with {@code settings}; tests call this with their own ports. */
    public static ServiceHost start(Settings settings) {
        PresenceConfig config = PresenceConfig.from(settings);
        RateLimiter limiter = new RateLimiter(RateLimits.from(settings), PresenceKeys::rateLimit);
        Clock clock = Clock.systemUTC();
        UnifiedJedis redis = RedisSettings.from(settings).newClient();
        ManagedChannel messaging = GrpcChannels.forTarget(config.messagingTarget(), GrpcTls.from(settings));

        DeliveryBus bus = new DeliveryBus(redis, new RoutingRegistry(redis, config.routeTtl(), clock), clock);
        Visibility visibility = new Visibility(new ContactStore(redis), new MessagingSharedChats(messaging,
                config.messagingDeadline(), config.sharedChatCache(), SHARED_CHAT_CACHE_SIZE));
        PresenceStore presenceStore = new PresenceStore(redis, config.connectionTtl(), config.offlineGrace(),
                config.stateRetention());
        SweepLog sweepLog = new SweepLog(redis, PresenceKeys.swept(), PresenceKeys.recovery());
        ExpiryCutoff cutoff = new ExpiryCutoff(clock, config.connectionTtl(), sweepLog);
        SubscriptionService subscriptions = new SubscriptionService(new SubscriptionStore(redis, config.connectionTtl(),
                config.stateRetention()), visibility, presenceStore, limiter, config.maxSubscriptions(), clock, cutoff);
        PresenceService presence = new PresenceService(presenceStore, subscriptions, new BusPresenceEvents(bus),
                limiter, clock, cutoff);

        return ServiceHost.start("presence-service", settings, redis,
                        List.of(new PresenceGrpcEndpoint(presence, subscriptions),
                                new PresenceAdminGrpcEndpoint(presence, visibility),
                                new ConnectionLifecycleEndpoint(presence)))
                .onClose(() -> GrpcChannels.close(messaging))
                .every(config.sweepInterval(), "presence sweep", presence::sweep);
    }
}
