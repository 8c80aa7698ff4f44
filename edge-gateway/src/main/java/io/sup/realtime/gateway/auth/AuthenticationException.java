package io.sup.realtime.gateway.auth;

import java.util.Locale;

/**
 * A token was refused. The message is a fixed, client-safe reason ("token expired",
 * "invalid signature", ...) that never contains the token or its claims; {@link #reason()}
 * is its class, for metrics ({@code gateway_auth_failures_total{reason}}).
 */
public final class AuthenticationException extends Exception {
    /** Why a token was refused, in classes few enough to label a meter with. */
    public enum Reason {
        /** No token at all. */
        MISSING_TOKEN,
        /** Not a JWS, or a claim of the wrong type. */
        MALFORMED_TOKEN,
        /** An algorithm not accepted, or critical header parameters. */
        ALGORITHM,
        /** The signature does not verify, or no key for it. */
        SIGNATURE,
        /** Past {@code exp} (plus leeway). */
        EXPIRED,
        /** Before {@code nbf}. */
        NOT_YET_VALID,
        /** A claim not accepted: no expiry, issuer, audience, type, subject, device or token id. */
        CLAIMS;

        /** The metric label, e.g. {@code missing_token}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    /**
     * @param reason  the refusal's class
     * @param message client-safe reason
     */
    public AuthenticationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The refusal's class. */
    public Reason reason() {
        return reason;
    }
}
