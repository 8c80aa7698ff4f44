package io.sup.realtime.calls;

import java.time.Duration;
import java.util.List;

import io.sup.realtime.platform.config.Settings;

/**
 * The call-signalling service's own settings ({@code call-signaling-service.yaml}, environment overrides).
 *
 * @param ringTimeout       how long a call rings unless answered ({@code CALL_RING_TIMEOUT_MS}, default 45 s)
 * @param connectionTtl     how long a connection in a call counts after its gateway's last report
 *                          ({@code CALL_CONNECTION_TTL_MS}, default 25 s: more than two of the gateways'
 *                          10 s alive periods); with the alive period it bounds how long a call of a
 *                          crashed gateway's user lasts
 * @param sweepInterval     how often timeouts and expired connections are looked at ({@code CALL_SWEEP_INTERVAL_MS}, 1 s)
 * @param maxDuration       the longest an answered call may last ({@code CALL_MAX_DURATION_MS}, default 6 h)
 * @param endedRetention    how long an ended call is kept, for late events and GetCall
 *                          ({@code CALL_ENDED_RETENTION_MS}, default 1 h)
 * @param historyMaxEntries most history entries kept per user ({@code CALL_HISTORY_MAX_ENTRIES}, default 200)
 * @param historyRetention  how long a history entry is kept ({@code CALL_HISTORY_RETENTION_MS}, default 90 days)
 * @param missedMaxEntries  about how many missed calls are kept for notification-service
 *                          ({@code CALL_MISSED_MAX_ENTRIES}, default 100,000)
 * @param stunUrls          STUN URIs given to clients ({@code CALL_ICE_STUN_URLS}, comma-separated; default none)
 * @param turnUrls          TURN URIs given to clients with per-call credentials ({@code CALL_ICE_TURN_URLS})
 * @param turnSecret        the secret shared with the TURN server ({@code CALL_TURN_SECRET}; coturn's
 *                          {@code static-auth-secret}); needed with TURN URIs, at least 16 bytes
 * @param turnCredentialTtl how long a minted TURN credential is valid ({@code CALL_TURN_CREDENTIAL_TTL_MS};
 *                          by default the ring timeout plus the longest call, so that no call outlives
 *                          the credentials it was given)
 * @param presenceTarget    presence-service's gRPC target, for who may call whom ({@code PRESENCE_GRPC_TARGET})
 * @param presenceDeadline  deadline of each call to presence-service ({@code CALL_PRESENCE_DEADLINE_MS}, 2 s)
 * @param routeTtl          routing-registry entry lifetime, shared with the gateways ({@code BUS_ROUTE_TTL_MS})
 */
public record CallsConfig(Duration ringTimeout, Duration connectionTtl, Duration sweepInterval, Duration maxDuration,
                          Duration endedRetention, int historyMaxEntries, Duration historyRetention,
                          int missedMaxEntries, List<String> stunUrls, List<String> turnUrls, String turnSecret,
                          Duration turnCredentialTtl, String presenceTarget, Duration presenceDeadline,
                          Duration routeTtl) {
    /** Reads and validates the settings. */
    public static CallsConfig from(Settings s) {
        Duration ringTimeout = s.millis("call.ring.timeout.ms");
        Duration maxDuration = s.millis("call.max.duration.ms");
        return new CallsConfig(
                ringTimeout,
                s.millis("call.connection.ttl.ms"),
                s.millis("call.sweep.interval.ms"),
                maxDuration,
                s.millis("call.ended.retention.ms"),
                s.intInRange("call.history.max.entries", 1, 10_000),
                s.millis("call.history.retention.ms"),
                s.intInRange("call.missed.max.entries", 1, 10_000_000),
                urls(s, "call.ice.stun.urls", "stun:"),
                urls(s, "call.ice.turn.urls", "turn:", "turns:"),
                s.string("call.turn.secret", ""),
                s.parsed("call.turn.credential.ttl.ms", text -> text.isEmpty() ? ringTimeout.plus(maxDuration)
                        : positive(Long.parseLong(text))),
                s.string("presence.grpc.target"),
                s.millis("call.presence.deadline.ms"),
                s.millis("bus.route.ttl.ms"));
    }

    private static Duration positive(long ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException("must be a positive number of milliseconds");
        }
        return Duration.ofMillis(ms);
    }

    private static List<String> urls(Settings s, String key, String... schemes) {
        return s.parsed(key, text -> {
            List<String> urls = List.of(text.split(",")).stream().map(String::trim).filter(u -> !u.isEmpty()).toList();
            for (String url : urls) {
                if (List.of(schemes).stream().noneMatch(url::startsWith)) {
                    throw new IllegalArgumentException("every URI must start with " + String.join(" or ", schemes));
                }
            }
            return urls;
        });
    }
}
