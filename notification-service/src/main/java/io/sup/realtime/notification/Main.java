package io.sup.realtime.notification;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.grpc.ManagedChannel;
import io.sup.realtime.notification.delivery.BusNotificationEvents;
import io.sup.realtime.notification.grpc.NotificationAdminGrpcEndpoint;
import io.sup.realtime.notification.grpc.NotificationGrpcEndpoint;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.notification.notifications.NotificationStore;
import io.sup.realtime.notification.preferences.PreferenceService;
import io.sup.realtime.notification.preferences.PreferenceStore;
import io.sup.realtime.notification.push.DeadLetters;
import io.sup.realtime.notification.push.PushConfig;
import io.sup.realtime.notification.push.PushDelivery;
import io.sup.realtime.notification.push.PushDevices;
import io.sup.realtime.notification.push.PushDispatcher;
import io.sup.realtime.notification.push.PushRegistrations;
import io.sup.realtime.notification.push.PushProvider;
import io.sup.realtime.notification.push.PushSchedule;
import io.sup.realtime.notification.push.webhook.WebhookConfig;
import io.sup.realtime.notification.push.webhook.WebhookPushProvider;
import io.sup.realtime.notification.sources.MessagingOutbox;
import io.sup.realtime.notification.sources.MissedCalls;
import io.sup.realtime.notification.sources.SourceCursors;
import io.sup.realtime.notification.sources.SourcePoller;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.grpc.GrpcTls;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;
import redis.clients.jedis.UnifiedJedis;

/**
 * notification-service: config -> Redis -> stores -> services -> the sources it reads
 * (messaging's outbox, call-signalling's missed calls, over gRPC) -> push delivery -> gRPC
 * endpoints -> server, with the timers that read the sources and send due pushes; wired by
 * hand (no DI framework).
 */
public final class Main {
    private Main() {
    }

    /** Starts the service and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("notification-service", Main::start);
    }

    /** Starts the service with {@code settings}; tests call this with their own ports. */
    public static ServiceHost start(Settings settings) {
        NotificationsConfig config = NotificationsConfig.from(settings);
        Clock clock = Clock.systemUTC();
        UnifiedJedis redis = RedisSettings.from(settings).newClient();
        RateLimiter limiter = new RateLimiter(RateLimits.from(settings), NotificationKeys::rateLimit);
        RoutingRegistry routes = new RoutingRegistry(redis, config.routeTtl(), clock);
        DeliveryBus bus = new DeliveryBus(redis, routes, clock);
        ManagedChannel messaging = GrpcChannels.forTarget(config.messagingTarget(), GrpcTls.from(settings));
        ManagedChannel calls = GrpcChannels.forTarget(config.callsTarget(), GrpcTls.from(settings));

        NotificationStore store = new NotificationStore(redis, config.maxPerUser(), config.retention());
        PreferenceStore preferenceStore = new PreferenceStore(redis, config.maxMutedChats());
        PushRegistrations registrations = new PushRegistrations(redis, config.maxPushDevices());
        PushSchedule schedule = new PushSchedule(redis);
        NotificationService notifications = new NotificationService(store, preferenceStore, schedule,
                new BusNotificationEvents(bus), limiter, clock, config.collapseWindow(), config.mentionsBreakMute());
        PushConfig pushConfig = PushConfig.from(settings);
        Optional<WebhookPushProvider> webhook = WebhookConfig.from(settings).map(WebhookPushProvider::new);
        Map<String, PushProvider> providers = webhook.<Map<String, PushProvider>>map(w -> Map.of(w.name(), w))
                .orElse(Map.of());
        DeadLetters deadLetters = new DeadLetters(redis, pushConfig.deadLettersMaxEntries(), clock);
        PushDelivery delivery = new PushDelivery(providers, deadLetters, registrations::removeIfToken,
                pushConfig.concurrency());
        PushDispatcher dispatcher = new PushDispatcher(schedule, registrations, store, routes, delivery::deliver, clock);
        SourceCursors cursors = new SourceCursors(redis);
        SourcePoller<?> outbox = new SourcePoller<>(new MessagingOutbox(messaging, config.sourceDeadline(),
                notifications), cursors);
        SourcePoller<?> missedCalls = new SourcePoller<>(new MissedCalls(calls, config.sourceDeadline(),
                notifications), cursors);

        return ServiceHost.start("notification-service", settings, redis, List.of(
                        new NotificationGrpcEndpoint(notifications, new PreferenceService(preferenceStore, limiter, clock),
                                new PushDevices(registrations, delivery.providers(), limiter)),
                        new NotificationAdminGrpcEndpoint(notifications, deadLetters)))
                .onClose(() -> {
                    delivery.close(); // first: the pushes under way end (dead-lettered) before their providers go
                    webhook.ifPresent(WebhookPushProvider::close);
                    GrpcChannels.close(messaging);
                    GrpcChannels.close(calls);
                })
                .every(config.sourcePollInterval(), "messaging outbox read", outbox::poll)
                .every(config.sourcePollInterval(), "missed calls read", missedCalls::poll)
                .every(config.pushSweepInterval(), "push sweep", dispatcher::sweep);
    }
}
