package io.sup.realtime.gateway.session;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.gateway.auth.AuthenticationException;
import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.gateway.auth.JwtVerifier;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.limits.Admission;
import io.sup.realtime.gateway.limits.ConnectionAdmission;
import io.sup.realtime.gateway.protocol.ClientJson;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.protocol.Replies;
import io.sup.realtime.gateway.routing.Outcome;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.gateway.v1.Disconnect;

/**
 * A connection lives no longer than its token.
 *
 * <ul>
 *   <li><b>Expiry</b>: {@code warningLead} before the token's {@code exp} the client gets
 *       {@code auth:expiring} {@code {expiresAt, expiresInMs}}; at {@code exp} plus the leeway
 *       (the skew the handshake allows too) an {@code error} {@code UNAUTHENTICATED} "token
 *       expired: refresh and reconnect" and the close {@link CloseCode#TOKEN_EXPIRED}
 *       (Socket.IO clients get DISCONNECT between the two). Tokens without {@code exp}
 *       (allowed only with {@code JWT_REQUIRE_EXP=false}) have no clock.</li>
 *   <li><b>Refresh</b>: {@code auth:refresh} with a valid, unrevoked token of the same user
 *       replaces the connection's token and restarts the clock.</li>
 *   <li><b>Revocation</b>: a revocation that covers the connection's current token closes it
 *       with 4401 "token revoked".</li>
 * </ul>
 *
 * <p>Timers and revocations only hand work to the connection's inbound queue, so an expiry,
 * a revocation and an {@code auth:refresh} racing are decided in the order the connection
 * handles them.
 */
final class TokenLifetimes {
    private static final Logger LOG = System.getLogger(TokenLifetimes.class.getName());
    static final String EXPIRED = "token expired: refresh and reconnect";
    static final String REVOKED = "token revoked";

    private final JwtVerifier verifier;
    private final ConnectionAdmission admission;
    private final ScheduledExecutorService timers;
    private final Executor handlers;
    private final TokenPolicy policy;
    private final Clock clock;
    private final Counter expired = counter("gateway.tokens.expired", "Connections closed because their token expired (4440)");
    private final Counter refreshed = counter("gateway.tokens.refreshed", "Tokens replaced by auth:refresh");
    private final Counter revoked = counter("gateway.tokens.revoked", "Connections closed because their token was revoked");

    /**
     * @param verifier  checks refreshed tokens
     * @param admission knows revoked tokens
     * @param timers    schedules the warning and the expiry
     * @param handlers  runs the hand-over to a connection's inbound queue (never on the timer or bus thread)
     * @param policy    the leeway after {@code exp} and the warning's lead
     * @param clock     time source, the one the verifier uses
     */
    TokenLifetimes(JwtVerifier verifier, ConnectionAdmission admission, ScheduledExecutorService timers,
                   Executor handlers, TokenPolicy policy, Clock clock) {
        this.verifier = verifier;
        this.admission = admission;
        this.timers = timers;
        this.handlers = handlers;
        this.policy = policy;
        this.clock = clock;
    }

    private static Counter counter(String name, String description) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder(name).description(description));
    }

    /** Starts, or after a refresh restarts, the clock of the connection's current token. */
    void track(ClientConnection connection) {
        int generation = connection.tokenTimers().next();
        Instant expiresAt = connection.identity().token().expiresAt().orElse(null);
        if (expiresAt == null) {
            return;
        }
        long now = clock.millis();
        long warnIn = Math.max(0, expiresAt.toEpochMilli() - policy.warningLead().toMillis() - now);
        long closeIn = Math.max(0, expiresAt.toEpochMilli() + policy.leeway().toMillis() - now);
        ScheduledFuture<?> warning = timers.schedule(() -> inTurn(connection, () -> {
            if (connection.tokenTimers().isCurrent(generation)) {
                warn(connection, expiresAt);
            }
        }), warnIn, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> expiry = timers.schedule(() -> inTurn(connection, () -> {
            if (connection.tokenTimers().isCurrent(generation)) {
                expire(connection);
            }
        }), closeIn, TimeUnit.MILLISECONDS);
        connection.tokenTimers().replace(generation, warning, expiry);
    }

    /** The connection closed: its timers go. */
    void stop(ClientConnection connection) {
        connection.tokenTimers().cancel();
    }

    /**
     * {@code auth:refresh} {@code {token}}, run in the connection's turn: a valid token of the
     * same user, not revoked, within the user's {@code auth:refresh} rate limit, replaces the
     * connection's token and restarts its clock; anything else is refused and the connection
     * keeps its current token and expiry.
     *
     * @return {@code {expiresAt}} (ms; absent for a token without {@code exp}), or the refusal:
     *     UNAUTHENTICATED (invalid or revoked), FORBIDDEN (another user's), RATE_LIMITED (with
     *     retryAfterMs), UNAVAILABLE (Redis)
     */
    Outcome refresh(ClientConnection connection, String dataJson) {
        Identity fresh;
        try {
            fresh = verifier.verify(tokenOf(dataJson), connection.identity().deviceId());
        } catch (AuthenticationException e) {
            return new Outcome.Failed(ErrorCode.UNAUTHENTICATED, e.getMessage());
        }
        if (!fresh.userId().equals(connection.identity().userId())) {
            LOG.log(Level.INFO, "connection " + connection.id() + ": auth:refresh with another user's token refused");
            return new Outcome.Failed(ErrorCode.FORBIDDEN, "the token is for another user");
        }
        try {
            if (admission.admitRefresh(fresh) instanceof Admission.Refused refused) {
                return new Outcome.Failed(refused.code(), refused.reason(), refused.retryAfterMs());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "auth:refresh failed: gateway Redis unavailable (" + e.getClass().getSimpleName() + ")");
            return new Outcome.Failed(ErrorCode.UNAVAILABLE, "service unavailable, retry later");
        }
        connection.tokenRefreshed(fresh.token());
        track(connection);
        refreshed.increment();
        Map<String, Object> data = new LinkedHashMap<>();
        fresh.token().expiresAt().ifPresent(exp -> data.put("expiresAt", exp.toEpochMilli()));
        return new Outcome.Ok(NativeCodec.object(data));
    }

    /**
     * A revocation for {@code connection}: it closes if its current token is covered, in its
     * turn, so an authentication or refresh in progress finishes first.
     */
    void revoke(ClientConnection connection, Disconnect revocation) {
        inTurn(connection, () -> {
            Identity who = connection.identity();
            if (who == null || !covers(revocation, who.token())) {
                return;
            }
            revoked.increment();
            LOG.log(Level.INFO, "connection " + connection.id() + " closed: token revoked");
            connection.sendEvent(ServerEvent.ERROR.wireName(), Replies.errorEvent(ErrorCode.UNAUTHENTICATED, REVOKED, null));
            connection.close(CloseCode.UNAUTHENTICATED, REVOKED);
        });
    }

    /** Whether {@code revocation} covers a token with these claims (no {@code iat}: issued before any time). */
    static boolean covers(Disconnect revocation, Identity.TokenClaims token) {
        if (revocation.hasIssuedBeforeMs()
                && token.issuedAt().map(Instant::toEpochMilli).orElse(-1L) < revocation.getIssuedBeforeMs()) {
            return true;
        }
        return !revocation.getTokenId().isEmpty() && token.tokenId().filter(revocation.getTokenId()::equals).isPresent();
    }

    /** Runs {@code action} in the connection's turn, unless it is closing by then. */
    private void inTurn(ClientConnection connection, Runnable action) {
        // The inbound queue may block its submitter: never the shared timer or bus thread.
        handlers.execute(() -> connection.inbound().submit(() -> {
            if (!connection.out().isClosing()) {
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

    /** The {@code token} field of an event's data, or null. */
    static String tokenOf(String dataJson) {
        try {
            JsonNode data = ClientJson.MAPPER.readTree(dataJson);
            return data.path("token").isTextual() ? data.get("token").asText() : null;
        } catch (IOException e) {
            return null; // decoded by the codec already: a missing token
        }
    }
}
