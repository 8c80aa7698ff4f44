package io.sup.realtime.tools;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.sup.realtime.platform.auth.SharedSecretKey;

/**
 * Signs access tokens the gateway accepts: HS256 (JWS compact serialization, RFC 7515) with
 * the shared secret the gateway reads from {@code JWT_SECRET}, and no {@code kid} header, so
 * the gateway checks them against that secret rather than its JWKS.
 *
 * <p>Claims: {@code sub} = user id, {@code deviceId} when given, {@code type} = {@code access},
 * {@code iat}, {@code exp} = iat + lifetime, and {@code iss} / {@code aud} when given. Helidon's
 * JWT builder also always writes {@code upn} (MicroProfile JWT's user principal) equal to
 * {@code sub}; the gateway ignores it.
 */
public final class Tokens {
    /** RFC 7518 section 3.2: an HS256 key must be at least as long as the hash, 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    /** The gateway's id rule (platform {@code Ids}): 1-128 characters of [A-Za-z0-9_.:@-]. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");

    private Tokens() {
    }

    /**
     * What goes into a token.
     *
     * @param userId   the subject
     * @param deviceId the {@code deviceId} claim, or null for none
     * @param ttl      lifetime from {@code issuedAt}
     * @param issuer   {@code iss}, or null for none
     * @param audience {@code aud}, or null for none
     */
    public record Claims(String userId, String deviceId, Duration ttl, String issuer, String audience) {
        /** Checks the ids with the gateway's rule, so a token is never minted that it would refuse. */
        public Claims {
            Objects.requireNonNull(ttl, "ttl");
            if (!isValidId(userId)) {
                throw new IllegalArgumentException("user id '" + userId + "' is not valid: use 1-128 characters of [A-Za-z0-9_.:@-]");
            }
            if (deviceId != null && !isValidId(deviceId)) {
                throw new IllegalArgumentException("device id '" + deviceId + "' is not valid: use 1-128 characters of [A-Za-z0-9_.:@-]");
            }
        }
    }

    /** Whether {@code id} passes the gateway's id rule. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The signed token for {@code claims}, issued at {@code issuedAt} (cut to whole seconds,
     * as JWT times are).
     *
     * @throws IllegalArgumentException when the secret is empty
     */
    public static String sign(String secret, Claims claims, Instant issuedAt) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret is empty");
        }
        Instant iat = issuedAt.truncatedTo(ChronoUnit.SECONDS);
        Jwt.Builder jwt = Jwt.builder()
                .algorithm("HS256")
                .subject(claims.userId())
                .addPayloadClaim("type", "access")
                .issueTime(iat)
                .expirationTime(iat.plus(claims.ttl()));
        if (claims.deviceId() != null) {
            jwt.addPayloadClaim("deviceId", claims.deviceId());
        }
        if (claims.issuer() != null) {
            jwt.issuer(claims.issuer());
        }
        if (claims.audience() != null) {
            jwt.audience(List.of(claims.audience()));
        }
        return SignedJwt.sign(jwt.build(), SharedSecretKey.hs256(secret)).tokenContent();
    }

}
