package io.sup.realtime.gateway.auth;

/**
 * A token was refused. The message is a fixed, client-safe reason ("token expired",
 * "invalid signature", ...) that never contains the token or its claims.
 */
public final class AuthenticationException extends Exception {
    /** @param reason client-safe reason */
    public AuthenticationException(String reason) {
        super(reason, null, false, false);
    }
}
