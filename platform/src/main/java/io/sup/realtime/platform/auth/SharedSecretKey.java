package io.sup.realtime.platform.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.helidon.security.jwt.jwk.Jwk;
import jakarta.json.Json;

/**
 * The HS256 key made of a shared secret ({@code JWT_SECRET}), as one JSON Web Key: the
 * gateway verifies tokens without a {@code kid} with it, and the CLI signs tokens with it.
 */
public final class SharedSecretKey {
    private SharedSecretKey() {
    }

    /**
     * An "oct" JWK (RFC 7518 section 6.4) whose key is the secret's UTF-8 bytes, for HS256
     * (RFC 7518 section 3.2). Helidon requires a {@code kid} on every JWK; signing with this
     * key does not copy it into the token's header.
     */
    public static Jwk hs256(String secret) {
        return Jwk.create(Json.createObjectBuilder()
                .add("kty", "oct")
                .add("kid", "default")
                .add("alg", "HS256")
                .add("use", "sig")
                .add("k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                .build());
    }
}
