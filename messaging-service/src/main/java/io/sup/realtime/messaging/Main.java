package io.sup.realtime.messaging;

import java.time.Clock;
import java.util.List;

import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.delivery.BusChatEvents;
import io.sup.realtime.messaging.delivery.BusMessageEvents;
import io.sup.realtime.messaging.delivery.BusReactionEvents;
import io.sup.realtime.messaging.delivery.BusReceiptEvents;
import io.sup.realtime.messaging.reactions.ReactionService;
import io.sup.realtime.messaging.reactions.ReactionStore;
import io.sup.realtime.messaging.delivery.BusTypingEvents;
import io.sup.realtime.messaging.delivery.RegistryRoomPresence;
import io.sup.realtime.messaging.typing.TypingService;
import io.sup.realtime.messaging.typing.TypingStore;
import io.sup.realtime.messaging.receipts.ReceiptService;
import io.sup.realtime.messaging.receipts.ReceiptStore;
import io.sup.realtime.messaging.grpc.ChatAdminGrpcEndpoint;
import io.sup.realtime.messaging.grpc.MessagingGrpcEndpoint;
import io.sup.realtime.messaging.messages.MessageService;
import io.sup.realtime.messaging.messages.MessageStore;
import io.sup.realtime.messaging.outbox.OutboxService;
import io.sup.realtime.messaging.outbox.OutboxStore;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RouteCache;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycleEndpoint;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import redis.clients.jedis.UnifiedJedis;

/** messaging-service: config -> Redis -> stores -> services -> gRPC endpoints -> servers, by hand. */
public final class Main {
    private Main() {
    }

    /** Starts the service and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("messaging-service", Main::start);
    }

    /** Starts the service with {@code settings}; tests call this with their own ports. */
    public static ServiceHost start(Settings settings) {
        MessagingConfig config = MessagingConfig.from(settings);
        UserLimits limits = new UserLimits(RateLimits.from(settings));
        Clock clock = Clock.systemUTC();
        RedisSettings redisSettings = RedisSettings.from(settings);
        UnifiedJedis redis = redisSettings.newClient();

        ChatStore chatStore = new ChatStore(redis);
        RouteCache routeCache = config.routeCacheEntries() == 0 ? null
                : new RouteCache(redisSettings, config.routeTtl(), config.routeCacheEntries(), clock).start();
        RoutingRegistry registry = new RoutingRegistry(redis, config.routeTtl(), clock, routeCache);
        DeliveryBus bus = new DeliveryBus(redis, registry, clock);
        OutboxService outbox = new OutboxService(new OutboxStore(redis, config.outboxMaxEntries()));
        ChatService chats = new ChatService(chatStore, config.maxMembers(), clock, new BusChatEvents(bus), outbox,
                limits);
        MessageService messages = new MessageService(chatStore,
                new MessageStore(redis, config.historyLength(), config.tempIdTtl()),
                new BusMessageEvents(bus), outbox, config.maxContentBytes(), clock, limits);

        ReceiptService receipts = new ReceiptService(new ReceiptStore(redis), new BusReceiptEvents(bus), clock, limits);
        ReactionService reactions = new ReactionService(chatStore, new ReactionStore(redis, config.reactionsTtl()),
                new BusReactionEvents(bus), limits);
        TypingService typing = new TypingService(chats, new TypingStore(redis), new BusTypingEvents(bus),
                config.typingTtl(), clock);

        return ServiceHost.start("messaging-service", settings, redis,
                        List.of(new MessagingGrpcEndpoint(messages, chats, receipts, typing,
                                        new RegistryRoomPresence(registry), reactions),
                                new ChatAdminGrpcEndpoint(chats, outbox), new ConnectionLifecycleEndpoint(typing)))
                // Typing expiry is found by sweeping; a tenth of the TTL keeps stops timely.
                .every(config.typingTtl().dividedBy(10), "typing expiry", typing::expire)
                .onClose(() -> {
                    if (routeCache != null) {
                        routeCache.close();
                    }
                });
    }
}
