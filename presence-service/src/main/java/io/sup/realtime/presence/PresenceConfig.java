package io.sup.realtime.presence;

import java.time.Duration;

import io.sup.realtime.platform.config.Settings;

/**
 * The presence service's own settings ({@code presence-service.yaml}, environment overrides).
 *
 * @param offlineGrace     how long a user stays as shown after the last connection closed, so a
 *                         reload or network switch does not flap ({@code PRESENCE_OFFLINE_GRACE_MS},
 *                         default 5 s)
 * @param connectionTtl    how long a connection counts after its gateway's last report
 *                         ({@code PRESENCE_CONNECTION_TTL_MS}, default 25 s: more than two of the
 *                         gateways' 10 s alive periods, so one lost report does not flap); with the
 *                         alive period it bounds how long a crashed gateway's users stay online
 * @param sweepInterval    how often the users whose reports stopped are looked at
 *                         ({@code PRESENCE_SWEEP_INTERVAL_MS}, default 1 s)
 * @param stateRetention   how long a status, custom status and last seen are kept without any
 *                         report or update ({@code PRESENCE_STATE_RETENTION_MS}, default 30 days)
 * @param maxSubscriptions most users one connection may watch ({@code PRESENCE_MAX_SUBSCRIPTIONS},
 *                         default 500)
 * @param sharedChatCache  how long messaging's "who shares a chat" answers are kept
 *                         ({@code PRESENCE_SHARED_CHAT_CACHE_MS}, default 3 s; 0: not kept)
 * @param messagingTarget  messaging-service's gRPC target ({@code MESSAGING_GRPC_TARGET}, default localhost:7001)
 * @param messagingDeadline deadline of each call to messaging-service ({@code PRESENCE_MESSAGING_DEADLINE_MS},
 *                         default 2 s)
 * @param routeTtl         routing-registry entry lifetime, shared with the gateways ({@code BUS_ROUTE_TTL_MS})
 */
public record PresenceConfig(Duration offlineGrace, Duration connectionTtl, Duration sweepInterval,
                             Duration stateRetention, int maxSubscriptions, Duration sharedChatCache,
                             String messagingTarget, Duration messagingDeadline, Duration routeTtl) {
    /** Reads and validates the settings. */
    public static PresenceConfig from(Settings s) {
        PresenceConfig config = new PresenceConfig(
                s.millis("presence.offline.grace.ms"),
                s.millis("presence.connection.ttl.ms"),
                s.millis("presence.sweep.interval.ms"),
                s.millis("presence.state.retention.ms"),
                s.intInRange("presence.max.subscriptions", 1, 100_000),
                Duration.ofMillis(s.intInRange("presence.shared.chat.cache.ms", 0, 60_000)),
                s.string("messaging.grpc.target"),
                s.millis("presence.messaging.deadline.ms"),
                s.millis("bus.route.ttl.ms"));
        if (config.connectionTtl.isZero() || config.sweepInterval.isZero()) {
            throw new IllegalArgumentException("configuration 'presence.connection.ttl.ms' (env PRESENCE_CONNECTION_TTL_MS) "
                    + "and 'presence.sweep.interval.ms' (env PRESENCE_SWEEP_INTERVAL_MS) must be above 0");
        }
        return config;
    }
}
