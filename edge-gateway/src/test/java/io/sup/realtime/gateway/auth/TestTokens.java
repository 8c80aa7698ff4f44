package io.sup.realtime.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.sup.realtime.platform.auth.SharedSecretKey;

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

    /** An HS256 access token for {@code user} that expires {@code in} from now (whole seconds, as JWT times are). */
    public static String expiringIn(String user, Duration in) {
        return sign(base(user).expirationTime(Instant.now().plus(in)).build(), SECRET);
    }

    /** An HS256 access token for {@code user} with the {@code jti} {@code tokenId}. */
    public static String withId(String user, String tokenId) {
        return sign(base(user).addPayloadClaim("jti", tokenId).build(), SECRET);
    }

    /**
     * An HS256 token over exactly these header and payload JSON texts, signed by hand
     * (RFC 7515 compact serialization), for claims no JWT library would write.
     */
    public static String raw(String headerJson, String payloadJson) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String input = b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #raw(String, String)} with the usual {@code {"alg":"HS256","typ":"JWT"}} header. */
    public static String raw(String payloadJson) {
        return raw("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson);
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
        return SignedJwt.sign(jwt, SharedSecretKey.hs256(secret)).tokenContent();
    }

}
