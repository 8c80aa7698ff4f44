package io.sup.realtime.notification;

import java.time.Duration;

import io.sup.realtime.platform.config.Settings;

/**
 * notification-service's own settings ({@code notification-service.yaml}, environment overrides).
 *
 * @param maxPerUser        most notifications kept per user; the oldest go first ({@code NOTIF_MAX_PER_USER}, 500)
 * @param retention         how long a notification is kept ({@code NOTIF_RETENTION_MS}, 30 days)
 * @param maxMutedChats     most chats a user may have muted at once ({@code NOTIF_MAX_MUTED_CHATS}, 1,000)
 * @param maxPushDevices    most push devices per user ({@code NOTIF_MAX_PUSH_DEVICES}, 10)
 * @param collapseWindow    how long a burst of notifications (one chat, one user) gathers before its one
 *                          push; high priority is pushed at once ({@code NOTIF_PUSH_COLLAPSE_MS}, 3 s)
 * @param pushSweepInterval how often due pushes are looked for ({@code NOTIF_PUSH_SWEEP_INTERVAL_MS}, 200 ms)
 * @param mentionsBreakMute whether a mention counts for the badge and is pushed in a muted chat and during
 *                          do-not-disturb ({@code NOTIF_MENTIONS_BREAK_MUTE}, true)
 * @param sourcePollInterval how often messaging's outbox and the missed calls are read
 *                          ({@code NOTIF_SOURCE_POLL_INTERVAL_MS}, 250 ms)
 * @param sourceDeadline    deadline of each call to a source service ({@code NOTIF_SOURCE_DEADLINE_MS}, 2 s)
 * @param messagingTarget   messaging-service's gRPC target ({@code MESSAGING_GRPC_TARGET})
 * @param callsTarget       call-signaling-service's gRPC target ({@code CALLS_GRPC_TARGET})
 * @param routeTtl          routing-registry entry lifetime, shared with the gateways ({@code BUS_ROUTE_TTL_MS})
 */
public record NotificationsConfig(int maxPerUser, Duration retention, int maxMutedChats, int maxPushDevices,
                                  Duration collapseWindow, Duration pushSweepInterval, boolean mentionsBreakMute,
                                  Duration sourcePollInterval, Duration sourceDeadline, String messagingTarget,
                                  String callsTarget, Duration routeTtl) {
    /** Reads and validates the settings. */
    public static NotificationsConfig from(Settings s) {
        return new NotificationsConfig(
                s.intInRange("notif.max.per.user", 1, 10_000),
                s.millis("notif.retention.ms"),
                s.intInRange("notif.max.muted.chats", 1, 100_000),
                s.intInRange("notif.max.push.devices", 1, 100),
                s.millis("notif.push.collapse.ms"),
                s.millis("notif.push.sweep.interval.ms"),
                s.bool("notif.mentions.break.mute"),
                s.millis("notif.source.poll.interval.ms"),
                s.millis("notif.source.deadline.ms"),
                s.string("messaging.grpc.target"),
                s.string("calls.grpc.target"),
                s.millis("bus.route.ttl.ms"));
    }
}
