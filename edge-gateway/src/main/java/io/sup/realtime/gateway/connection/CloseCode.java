package io.sup.realtime.gateway.connection;

/**
 * WebSocket close codes the gateway sends (RFC 6455 section 7.4; 4000-4999 are ours).
 * Each says whether the client should reconnect.
 */
public enum CloseCode {
    /** Normal closure. */
    NORMAL(1000, "normal closure"),
    /** Server draining: reconnect (to another instance) with backoff. */
    GOING_AWAY(1001, "server going away"),
    /** Text that is not UTF-8. Fix the client; do not reconnect as is. */
    INVALID_UTF8(1007, "invalid UTF-8"),
    /** A message larger than the configured maximum. Do not resend it. */
    TOO_BIG(1009, "message too big"),
    /** Server error. Reconnect with backoff. */
    INTERNAL_ERROR(1011, "internal error"),
    /** A backend (Redis) is unavailable. Reconnect with backoff. */
    TRY_AGAIN_LATER(1013, "try again later"),
    /** Nothing (not even a pong) arrived within the heartbeat interval plus timeout. Reconnect. */
    HEARTBEAT_TIMEOUT(4001, "heartbeat timeout"),
    /** No client event for {@code MAX_IDLE_TIME}. Reconnect when the user is active again. */
    IDLE_TIMEOUT(4002, "idle timeout"),
    /** The client did not read fast enough and its outbound queue overflowed. Reconnect and resume. */
    SLOW_CONSUMER(4008, "slow consumer"),
    /** Token missing, invalid, expired at the handshake, or revoked. Get a new token before reconnecting. */
    UNAUTHENTICATED(4401, "unauthenticated"),
    /** Authenticated but not allowed to connect. Do not reconnect. */
    FORBIDDEN(4403, "forbidden"),
    /** No {@code auth} frame within the authentication deadline. Reconnect and authenticate at once. */
    AUTH_TIMEOUT(4408, "authentication timeout"),
    /**
     * Too many connection attempts (from this user or address; the refusal says when to retry
     * in {@code retryAfterMs}) or too many open connections for this user. Reconnect later.
     */
    TOO_MANY_CONNECTIONS(4429, "too many connections"),
    /**
     * The token expired while the connection was open, and no {@code auth:refresh} came in
     * time. Get a new token and reconnect (the {@code auth:expiring} event came before).
     */
    TOKEN_EXPIRED(4440, "token expired: refresh and reconnect");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /** The numeric close code. */
    public int code() {
        return code;
    }

    /** The default close reason text. */
    public String reason() {
        return reason;
    }
}
