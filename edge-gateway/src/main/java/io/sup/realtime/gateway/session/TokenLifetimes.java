package io.sup.realtime.gateway.session;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.protocol.Replies;
import io.sup.realtime.platform.bus.ServerEvent;

/**
 * A connection lives no longer than its token: {@code warningLead} before the token's
 * {@code exp} the client gets {@code auth:expiring} {@code {expiresAt, expiresInMs}}; at
 * {@code exp} plus the leeway (the same skew the handshake allows) it gets an {@code error}
 * {@code UNAUTHENTICATED} "token expired: refresh and reconnect" and the connection closes
 * with {@link CloseCode#TOKEN_EXPIRED} (Socket.IO clients get DISCONNECT first). An
 * {@code auth:refresh} with a new token for the same user restarts the clock. Tokens without
 * {@code exp} (allowed only when {@code JWT_REQUIRE_EXP=false}) have no clock.
 *
 * <p>Timers only hand work to the connection's inbound queue, so an expiry and an
 * {@code auth:refresh} racing are decided in the order the connection handles them.
 */
final class TokenLifetimes {
    private static final Logger LOG = System.getLogger(TokenLifetimes.class.getName());
    static final String EXPIRED = "token expired: refresh and reconnect";

    private final ScheduledExecutorService timers;
    private final Executor handlers;
    private final Duration leeway;
    private final Duration warningLead;
    private final Clock clock;
    private final Counter expired = Metrics.globalRegistry().getOrCreate(Counter.builder("gateway.tokens.expired")
            .description("Connections closed because their token expired (4440)"));

    /**
     * @param timers      schedules the warning and the expiry
     * @param handlers    runs the hand-over to the connection's inbound queue (never on the timer thread)
     * @param leeway      time after {@code exp} before the close ({@code JWT_LEEWAY_MS})
     * @param warningLead how long before {@code exp} the warning comes ({@code JWT_EXPIRY_WARNING_MS})
     * @param clock       time source, the one the verifier uses
     */
    TokenLifetimes(ScheduledExecutorService timers, Executor handlers, Duration leeway, Duration warningLead, Clock clock) {
        this.timers = timers;
        this.handlers = handlers;
        this.leeway = leeway;
        this.warningLead = warningLead;
        this.clock = clock;
    }

    /** Starts, or after a refresh restarts, the clock of the connection's current token. */
    void track(ClientConnection connection) {
        int generation = connection.tokenTimers().next();
        Instant expiresAt = connection.identity().token().expiresAt().orElse(null);
        if (expiresAt == null) {
            return;
        }
        long now = clock.millis();
        long warnIn = Math.max(0, expiresAt.toEpochMilli() - warningLead.toMillis() - now);
        long closeIn = Math.max(0, expiresAt.toEpochMilli() + leeway.toMillis() - now);
        ScheduledFuture<?> warning = timers.schedule(() -> onTurn(connection, generation, () -> warn(connection, expiresAt)),
                warnIn, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> expiry = timers.schedule(() -> onTurn(connection, generation, () -> expire(connection)),
                closeIn, TimeUnit.MILLISECONDS);
        connection.tokenTimers().replace(generation, warning, expiry);
    }

    /** The connection closed: its timers go. */
    void stop(ClientConnection connection) {
        connection.tokenTimers().cancel();
    }

    private void onTurn(ClientConnection connection, int generation, Runnable action) {
        // The inbound queue may block its submitter: never the shared timer thread.
        handlers.execute(() -> connection.inbound().submit(() -> {
            if (connection.tokenTimers().isCurrent(generation) && !connection.out().isClosing()) {
                action.run();
            }
        }));
    }

    private void warn(ClientConnection connection, Instant expiresAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("expiresAt", expiresAt.toEpochMilli());
        data.put("expiresInMs", Math.max(0, expiresAt.toEpochMilli() - clock.millis()));
        connection.sendEvent(ServerEvent.AUTH_EXPIRING.wireName(), NativeCodec.object(data));
    }

    private void expire(ClientConnection connection) {
        expired.increment();
        LOG.log(Level.INFO, "connection " + connection.id() + " closed: token expired");
        connection.sendEvent(ServerEvent.ERROR.wireName(), Replies.errorEvent(ErrorCode.UNAUTHENTICATED, EXPIRED, null));
        connection.close(CloseCode.TOKEN_EXPIRED, CloseCode.TOKEN_EXPIRED.reason());
    }
}
