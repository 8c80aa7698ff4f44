package io.sup.realtime.gateway.limits;

import java.time.Duration;
import java.util.List;

import io.sup.realtime.platform.config.Settings;

/**
 * How many connections a user and a client address may make. Attempts count when admitted,
 * in a sliding window shared by every gateway instance (Redis).
 *
 * @param window               the attempt window ({@code RATE_LIMIT_CONNECTION_WINDOW}, ms, default 60 s)
 * @param maxAttemptsPerUser   admitted connections per user per window ({@code RATE_LIMIT_MAX_CONNECTIONS},
 *                             default 5, the original's; 0: unlimited)
 * @param maxAttemptsPerAddress admitted connections per client address per window
 *                             ({@code RATE_LIMIT_ADDRESS_MAX_CONNECTIONS}, default 100: offices and mobile
 *                             carriers put many users behind one address; 0: unlimited)
 * @param maxOpenPerUser       connections one user may hold open at once, on all instances together
 *                             ({@code GATEWAY_USER_MAX_CONNECTIONS}, default 10)
 * @param exempt               client addresses whose attempts are not limited (load balancers' health checks,
 *                             the benchmark, test suites; {@code RATE_LIMIT_EXEMPT_ADDRESSES}, CIDR blocks or
 *                             {@code loopback}, default none); the open-connection bound still applies
 * @param trustedProxies       peers whose {@code X-Forwarded-For} names the client ({@code GATEWAY_TRUSTED_PROXIES},
 *                             CIDR blocks, default none: the TCP peer is the client)
 */
public record ConnectionLimits(Duration window, int maxAttemptsPerUser, int maxAttemptsPerAddress, int maxOpenPerUser,
                               AddressSet exempt, AddressSet trustedProxies) {
    /** Reads and validates the settings. */
    public static ConnectionLimits from(Settings s) {
        return new ConnectionLimits(
                s.millis("rate.limit.connection.window"),
                s.intInRange("rate.limit.max.connections", 0, 1_000_000),
                s.intInRange("rate.limit.address.max.connections", 0, 1_000_000),
                s.intInRange("gateway.user.max.connections", 1, 10_000),
                addresses(s, "rate.limit.exempt.addresses"),
                addresses(s, "gateway.trusted.proxies"));
    }

    private static AddressSet addresses(Settings s, String key) {
        return s.parsed(key, raw -> AddressSet.parse(List.of(raw.split(",")).stream()
                .map(String::trim).filter(item -> !item.isEmpty()).toList()));
    }
}
