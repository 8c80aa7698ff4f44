package io.sup.realtime.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import jakarta.json.Json;

/** Signs test tokens the way clients' token services do (HS256 with a shared secret). */
public final class TestTokens {
    /** The secret the test gateways are configured with. */
    public static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

    private TestTokens() {
    }

    /** An HS256 access token for {@code user}, valid for an hour. */
    public static String access(String user) {
        return sign(base(user).build(), SECRET);
    }

    /** An HS256 access token for {@code user} on {@code device}. */
    public static String access(String user, String device) {
        return sign(base(user).addPayloadClaim("deviceId", device).build(), SECRET);
    }

    /** Claims every valid token has: sub, type=access, iat, exp in an hour. */
    public static Jwt.Builder base(String user) {
        Instant now = Instant.now();
        return Jwt.builder()
                .algorithm("HS256")
                .subject(user)
                .addPayloadClaim("type", "access")
                .issueTime(now)
                .expirationTime(now.plus(Duration.ofHours(1)));
    }

    /** Signs {@code jwt} with an HS256 key made of {@code secret}. */
    public static String sign(Jwt jwt, String secret) {
        return SignedJwt.sign(jwt, hmac(secret)).tokenContent();
    }

    /** The "oct" JWK (RFC 7518 section 6.4) for {@code secret}. */
    public static Jwk hmac(String secret) {
        return Jwk.create(Json.createObjectBuilder()
                .add("kty", "oct")
                .add("kid", "default")
                .add("alg", "HS256")
                .add("k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                .build());
    }
}
