package io.sup.realtime.gateway.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a connection authenticated as, and the token that said so.
 *
 * @param userId    JWT {@code sub} (or the original's {@code userId} claim when {@code sub} is absent)
 * @param deviceId  JWT {@code deviceId} claim, else the handshake's {@code deviceId}, else generated
 * @param token     the token's lifetime and id
 */
public record Identity(String userId, String deviceId, TokenClaims token) {
    /** An identity whose token has no {@code iat}, {@code exp} or {@code jti}. */
    public Identity(String userId, String deviceId) {
        this(userId, deviceId, TokenClaims.NONE);
    }

    /**
     * The claims of a token that decide how long a connection may use it (RFC 7519 section 4.1).
     *
     * @param issuedAt  {@code iat}, when present
     * @param expiresAt {@code exp}, when present
     * @param tokenId   {@code jti}, when present (a revocation can name it)
     */
    public record TokenClaims(Optional<Instant> issuedAt, Optional<Instant> expiresAt, Optional<String> tokenId) {
        /** A token with none of them. */
        public static final TokenClaims NONE = new TokenClaims(Optional.empty(), Optional.empty(), Optional.empty());

        /** Whether {@code jti} can key a revocation: 1-128 printable ASCII characters. */
        public static boolean isValidTokenId(String jti) {
            return !jti.isEmpty() && jti.length() <= 128 && jti.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        }
    }
}
