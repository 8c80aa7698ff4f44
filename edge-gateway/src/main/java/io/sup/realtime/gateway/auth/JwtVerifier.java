package io.sup.realtime.gateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import io.helidon.common.Errors;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.sup.realtime.gateway.auth.AuthenticationException.Reason;
import io.sup.realtime.platform.auth.SharedSecretKey;
import io.sup.realtime.platform.ids.Ids;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Verifies access tokens (JWS compact serialization, RFC 7515; JWT claims, RFC 7519) with
 * Helidon's JWT support.
 *
 * <p>In order: the token parses; its {@code alg} is on the allow-list ({@code none} never
 * is); the signature verifies against the JWKS key named by {@code kid}, or against the
 * {@code JWT_SECRET} HS256 key when there is no {@code kid} (so tokens made by the original's
 * generator keep working); no {@code crit} header (RFC 7515 section 4.1.11); {@code exp}
 * (required unless configured otherwise), {@code nbf} and {@code iat} are numbers and the
 * times hold within the leeway; {@code iss} and {@code aud} match when configured; a
 * {@code type} claim, when present, is the string {@code access}; the subject and device id
 * are well-formed id strings.
 * Each failure has its own fixed reason, and none repeats the token.
 */
public final class JwtVerifier {
    private final JwtSettings settings;
    private final JwkKeys keys;
    private final Jwk defaultKey;
    private final Clock clock;

    /**
     * @param settings how tokens are checked
     * @param clock    time source for {@code exp}/{@code nbf}
     * @throws UncheckedIOException when the JWKS file cannot be read
     */
    public JwtVerifier(JwtSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.keys = settings.jwksFile().map(JwtVerifier::readJwks).orElseGet(() -> JwkKeys.builder().build());
        this.defaultKey = settings.secret().isEmpty() ? null : SharedSecretKey.hs256(settings.secret());
    }

    /**
     * Verifies {@code token}.
     *
     * @param token             the compact JWS
     * @param handshakeDeviceId the {@code deviceId} the client gave at connect, or null
     * @return the identity it carries
     * @throws AuthenticationException with a client-safe reason
     */
    public Identity verify(String token, String handshakeDeviceId) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException(Reason.MISSING_TOKEN, "missing token");
        }
        SignedJwt signed;
        Jwt jwt;
        try {
            signed = SignedJwt.parseToken(token.trim());
            jwt = signed.getJwt();
        } catch (RuntimeException e) {
            throw new AuthenticationException(Reason.MALFORMED_TOKEN, "malformed token");
        }
        String alg = jwt.headers().algorithm().orElse("none");
        if (!settings.algorithms().contains(alg)) {
            throw new AuthenticationException(Reason.ALGORITHM, "token algorithm " + safe(alg) + " is not accepted");
        }
        if (jwt.headers().headerClaim("crit").isPresent()) {
            // RFC 7515 section 4.1.11: we understand no extensions, so none may be critical.
            throw new AuthenticationException(Reason.ALGORITHM, "token has critical header parameters this server does not support");
        }
        boolean hasKid = jwt.headers().keyId().isPresent();
        if (!hasKid && defaultKey == null) {
            throw new AuthenticationException(Reason.SIGNATURE, "token has no key id");
        }
        Errors signature;
        try {
            signature = hasKid ? signed.verifySignature(keys) : signed.verifySignature(keys, defaultKey);
        } catch (RuntimeException e) {
            throw new AuthenticationException(Reason.SIGNATURE, "invalid signature");
        }
        if (!signature.isValid()) {
            throw new AuthenticationException(Reason.SIGNATURE, "invalid signature");
        }
        try {
            return identity(jwt, handshakeDeviceId);
        } catch (RuntimeException e) {
            // A claim of the wrong JSON type or out of range (e.g. "exp": "soon", 1e20).
            throw new AuthenticationException(Reason.MALFORMED_TOKEN, "malformed token");
        }
    }

    /** The claims' checks, after the signature held. */
    private Identity identity(Jwt jwt, String handshakeDeviceId) throws AuthenticationException {
        for (String time : new String[] {"exp", "nbf", "iat"}) {
            Optional<JsonValue> claim = jwt.payloadClaim(time);
            if (claim.isPresent() && claim.get().getValueType() != JsonValue.ValueType.NUMBER) {
                throw new AuthenticationException(Reason.MALFORMED_TOKEN, "malformed token");
            }
        }
        if (jwt.payloadClaim("exp").isEmpty() && settings.requireExp()) {
            throw new AuthenticationException(Reason.CLAIMS, "token has no expiry");
        }
        check(jwt, JwtValidator.builder().addExpirationValidator(v -> v.now(clock.instant())
                .allowedTimeSkew(settings.leeway()).mandatory(settings.requireExp())), Reason.EXPIRED, "token expired");
        check(jwt, JwtValidator.builder().addNotBeforeValidator(v -> v.now(clock.instant())
                .allowedTimeSkew(settings.leeway())), Reason.NOT_YET_VALID, "token not yet valid");
        if (settings.issuer().isPresent()) {
            check(jwt, JwtValidator.builder().addIssuerValidator(settings.issuer().get(), true), Reason.CLAIMS, "issuer not accepted");
        }
        if (settings.audience().isPresent()) {
            check(jwt, JwtValidator.builder().addAudienceValidator(settings.audience().get()), Reason.CLAIMS, "audience not accepted");
        }
        if (jwt.payloadClaim("type").isPresent() && !"access".equals(stringClaim(jwt, "type").orElse(null))) {
            throw new AuthenticationException(Reason.CLAIMS, "token type must be access");
        }
        String userId = jwt.payloadClaim("sub").isPresent()
                ? stringClaim(jwt, "sub").orElseThrow(() -> new AuthenticationException(Reason.CLAIMS, "token subject is not a valid user id"))
                : stringClaim(jwt, "userId").orElseThrow(() -> new AuthenticationException(Reason.CLAIMS, "token has no subject"));
        if (!Ids.isValid(userId)) {
            throw new AuthenticationException(Reason.CLAIMS, "token subject is not a valid user id");
        }
        String deviceId;
        if (jwt.payloadClaim("deviceId").isPresent()) {
            deviceId = stringClaim(jwt, "deviceId").orElse(null);
        } else if (handshakeDeviceId != null && !handshakeDeviceId.isBlank()) {
            deviceId = handshakeDeviceId;
        } else {
            deviceId = "gen-" + UUID.randomUUID();
        }
        if (!Ids.isValid(deviceId)) {
            throw new AuthenticationException(Reason.CLAIMS, "device id is not valid");
        }
        Optional<String> tokenId = jwt.payloadClaim("jti").isPresent()
                ? Optional.of(stringClaim(jwt, "jti").filter(Identity.TokenClaims::isValidTokenId)
                        .orElseThrow(() -> new AuthenticationException(Reason.CLAIMS, "token id (jti) is not valid")))
                : Optional.empty();
        return new Identity(userId, deviceId, new Identity.TokenClaims(jwt.issueTime(), jwt.expirationTime(), tokenId));
    }

    private static void check(Jwt jwt, JwtValidator.Builder validator, Reason reason,
                              String message) throws AuthenticationException {
        if (!validator.build().validate(jwt).isValid()) {
            throw new AuthenticationException(reason, message);
        }
    }

    private static Optional<String> stringClaim(Jwt jwt, String name) {
        return jwt.payloadClaim(name)
                .filter(v -> v.getValueType() == JsonValue.ValueType.STRING)
                .map(v -> ((JsonString) v).getString());
    }

    /** An algorithm name from the token, cut and cleaned before it reaches a client or log. */
    private static String safe(String alg) {
        String cleaned = alg.replaceAll("[^A-Za-z0-9]", "");
        return cleaned.length() > 10 ? cleaned.substring(0, 10) : cleaned;
    }


    private static JwkKeys readJwks(java.nio.file.Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            JsonObject json = Json.createReader(in).readObject();
            return JwkKeys.builder().json(json).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JWKS file " + file, e);
        }
    }
}
