package io.sup.realtime.gateway.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.sup.realtime.platform.config.Settings;

/**
 * How tokens are checked.
 *
 * @param secret     HS256 key for tokens without {@code kid} ({@code JWT_SECRET}); empty when only JWKS is used
 * @param jwksFile   JWKS file with RS256/ES256 (or HS*) keys, looked up by {@code kid} ({@code JWT_JWKS_FILE})
 * @param algorithms accepted {@code alg} values ({@code JWT_ALGORITHMS}, default HS256,RS256,ES256); never {@code none}
 * @param issuer     required {@code iss}, if set ({@code JWT_ISSUER})
 * @param audience   required {@code aud}, if set ({@code JWT_AUDIENCE})
 * @param leeway     clock skew allowed on {@code exp}/{@code nbf} ({@code JWT_LEEWAY_MS}, default 5 s)
 * @param requireExp whether a token without {@code exp} is refused ({@code JWT_REQUIRE_EXP}, default true)
 */
public record JwtSettings(String secret, Optional<Path> jwksFile, Set<String> algorithms, Optional<String> issuer,
                          Optional<String> audience, Duration leeway, boolean requireExp) {
    private static final Set<String> SUPPORTED = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "ES256", "ES384", "ES512");

    /** Validates: at least one key source, only supported algorithms, never {@code none}. */
    public JwtSettings {
        if (secret.isEmpty() && jwksFile.isEmpty()) {
            throw new IllegalArgumentException("configuration 'jwt.secret' (env JWT_SECRET) or 'jwt.jwks.file' "
                    + "(env JWT_JWKS_FILE) must be set");
        }
        for (String alg : algorithms) {
            if (!SUPPORTED.contains(alg)) {
                throw new IllegalArgumentException("configuration 'jwt.algorithms' (env JWT_ALGORITHMS) has a bad value '"
                        + alg + "': supported are " + SUPPORTED.stream().sorted().collect(Collectors.joining(",")));
            }
        }
    }

    /** Reads the {@code jwt.*} settings. */
    public static JwtSettings from(Settings s) {
        return new JwtSettings(
                s.string("jwt.secret", ""),
                Optional.ofNullable(s.string("jwt.jwks.file", null)).map(Path::of),
                s.list("jwt.algorithms").stream().map(a -> a.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
                Optional.ofNullable(s.string("jwt.issuer", null)),
                Optional.ofNullable(s.string("jwt.audience", null)),
                s.millis("jwt.leeway.ms"),
                s.bool("jwt.require.exp"));
    }
}
