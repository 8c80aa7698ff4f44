package io.sup.realtime.gateway.limits;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;

/**
 * The connection rules: attempts per client address (at the WebSocket open) and per user (at
 * authentication), the bound on a user's open connections, and revoked tokens. Exempt
 * addresses skip the attempt limits, not the open-connection bound or revocation.
 */
public final class ConnectionAdmission {
    private static final Logger LOG = System.getLogger(ConnectionAdmission.class.getName());

    private final ConnectionStore store;
    private final ConnectionLimits limits;
    private final Duration entryTtl;
    private final Clock clock;
    private final Map<String, Counter> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    private final RateLimiter refreshLimiter;

    /**
     * @param store    the Redis keys
     * @param limits   the configured limits
     * @param entryTtl how long an open-connection entry lives without a refresh (the routing TTL)
     * @param clock    time source of the open-connection entries
     * @param events   the gateway's own events' rate limits ({@code auth:refresh}, from {@code RATE_LIMITS})
     */
    public ConnectionAdmission(ConnectionStore store, ConnectionLimits limits, Duration entryTtl, Clock clock,
                               RateLimits events) {
        this.store = store;
        this.refreshLimiter = new RateLimiter(events, ConnectionStore::rateLimit);
        this.limits = limits;
        this.entryTtl = entryTtl;
        this.clock = clock;
    }

    /** The configured limits. */
    public ConnectionLimits limits() {
        return limits;
    }

    /** Whether a connection from {@code address} may open. */
    public Admission admitAddress(Optional<InetAddress> address) {
        if (address.isEmpty() || limits.maxAttemptsPerAddress() == 0 || limits.exempt().contains(address.get())) {
            return Admission.ADMITTED;
        }
        long wait = store.admitAddress(address.get(), limits.maxAttemptsPerAddress(), limits.window().toMillis());
        if (wait == 0) {
            return Admission.ADMITTED;
        }
        return refused(new Admission.Refused(CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.RATE_LIMITED,
                "too many connections from this address: at most " + limits.maxAttemptsPerAddress() + " per "
                        + limits.window().toMillis() + " ms; retry in " + wait + " ms", wait, "address_attempts"));
    }

    /**
     * Whether {@code who} may use connection {@code connectionId}; when admitted it counts as
     * open until {@link #released}.
     *
     * @param address the client's address (exempt addresses skip the attempt limit)
     */
    public Admission admitUser(Identity who, String connectionId, Optional<InetAddress> address) {
        boolean exempt = address.isPresent() && limits.exempt().contains(address.get());
        int maxAttempts = exempt ? 0 : limits.maxAttemptsPerUser();
        ConnectionStore.UserAdmission admission = store.admitUser(who.userId(), connectionId, issuedAtMs(who),
                who.token().tokenId().orElse(null), maxAttempts, limits.window().toMillis(), limits.maxOpenPerUser(),
                clock.millis(), entryTtl.toMillis());
        return switch (admission.verdict()) {
            case ADMITTED -> Admission.ADMITTED;
            case TOO_MANY_ATTEMPTS -> refused(new Admission.Refused(CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.RATE_LIMITED,
                    "too many connections for this user: at most " + limits.maxAttemptsPerUser() + " per "
                            + limits.window().toMillis() + " ms; retry in " + admission.retryAfterMs() + " ms",
                    admission.retryAfterMs(), "user_attempts"));
            case TOO_MANY_OPEN -> refused(new Admission.Refused(CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.RATE_LIMITED,
                    "too many open connections for this user: at most " + limits.maxOpenPerUser()
                            + "; close one first", 0, "user_open"));
            case REVOKED -> refused(new Admission.Refused(CloseCode.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED,
                    "token revoked", 0, "revoked"));
        };
    }

    /**
     * Whether {@code who} may refresh to this token now: within the user's {@code auth:refresh}
     * limit, and the token not revoked.
     *
     * @return {@link Admission#ADMITTED}, or the refusal ({@code RATE_LIMITED} with retryAfterMs, or
     *     {@code UNAUTHENTICATED} "token revoked"); its close code is not used (a refused refresh keeps the connection)
     */
    public Admission admitRefresh(Identity who) {
        RateCheck rate = refreshLimiter.check(who.userId(), REFRESH);
        ConnectionStore.RefreshCheck check = store.checkRefresh(who.userId(), issuedAtMs(who),
                who.token().tokenId().orElse(null), rate);
        return switch (check.verdict()) {
            case ALLOWED -> Admission.ADMITTED;
            case REVOKED -> new Admission.Refused(CloseCode.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED, "token revoked", 0,
                    "revoked");
            case TOO_MANY -> new Admission.Refused(CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.RATE_LIMITED,
                    // The limiter's own wording; it also counts rate_limit_refusals_total{event="auth:refresh"}.
                    rate.refused(check.retryAfterMs()).getMessage(), check.retryAfterMs(), "refresh");
        };
    }

    private static final String REFRESH = "auth:refresh";

    /** The connection closed: it no longer counts as open. Failures are left to the entry's expiry. */
    public void released(String userId, String connectionId) {
        try {
            store.release(userId, connectionId);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "open-connection entry left to expire (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Keeps the open-connection entries of these users' connections (user id -> connection ids) alive. */
    public void refresh(Map<String, ? extends Collection<String>> openByUser) {
        store.refresh(openByUser, clock.millis() + entryTtl.toMillis(), entryTtl.toMillis());
    }

    /** A token's {@code iat} in ms; -1 when it has none (such a token counts as issued before any cut-off). */
    private static long issuedAtMs(Identity who) {
        return who.token().issuedAt().map(java.time.Instant::toEpochMilli).orElse(-1L);
    }

    private Admission refused(Admission.Refused refusal) {
        refusals.computeIfAbsent(refusal.refusal(), reason -> Metrics.globalRegistry().getOrCreate(
                Counter.builder("gateway.connections.refused")
                        .description("Connections refused by a connection limit or a revoked token, by reason")
                        .tags(java.util.List.of(Tag.create("reason", reason))))).increment();
        return refusal;
    }
}
