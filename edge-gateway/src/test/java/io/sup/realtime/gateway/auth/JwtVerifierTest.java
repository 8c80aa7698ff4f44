package io.sup.realtime.gateway.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.security.jwt.jwk.JwkRSA;
import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token verification with Helidon's JWT support: every accepted and refused case the gateway promises. */
class JwtVerifierTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static KeyPair rsa;
    private static KeyPair ec;
    private static Path jwks;

    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        rsa = rsaGen.generateKeyPair();
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        ec = ecGen.generateKeyPair();
        RSAPublicKey rsaPub = (RSAPublicKey) rsa.getPublic();
        ECPublicKey ecPub = (ECPublicKey) ec.getPublic();
        String json = """
                {"keys":[
                  {"kty":"RSA","kid":"rsa-1","alg":"RS256","use":"sig","n":"%s","e":"%s"},
                  {"kty":"EC","kid":"ec-1","alg":"ES256","use":"sig","crv":"P-256","x":"%s","y":"%s"}
                ]}""".formatted(b64(rsaPub.getModulus()), b64(rsaPub.getPublicExponent()),
                b64(ecPub.getW().getAffineX(), 32), b64(ecPub.getW().getAffineY(), 32));
        jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, json);
    }

    private static JwtVerifier verifier() {
        return verifier(Optional.empty(), Optional.empty());
    }

    private static JwtVerifier verifier(Optional<String> issuer, Optional<String> audience) {
        return new JwtVerifier(new JwtSettings(TestTokens.SECRET, Optional.of(jwks), Set.of("HS256", "RS256", "ES256"),
                issuer, audience, Duration.ofSeconds(5), true), Clock.systemUTC());
    }

    private static String refusal(String token) {
        return assertThrows(AuthenticationException.class, () -> verifier().verify(token, null)).getMessage();
    }

    @Test
    void validHs256TokenWithoutKidUsesTheSharedSecret() throws Exception {
        Identity who = verifier().verify(TestTokens.access("alice", "phone"), null);
        assertEquals("alice", who.userId());
        assertEquals("phone", who.deviceId());
    }

    @Test
    void deviceIdFallsBackToHandshakeThenToAGeneratedOne() throws Exception {
        assertEquals("tablet", verifier().verify(TestTokens.access("alice"), "tablet").deviceId());
        String generated = verifier().verify(TestTokens.access("alice"), null).deviceId();
        assertTrue(generated.startsWith("gen-"), generated);
    }

    @Test
    void expiredTokenIsRefused() {
        Jwt jwt = TestTokens.base("alice").issueTime(Instant.now().minusSeconds(7200))
                .expirationTime(Instant.now().minusSeconds(60)).build();
        assertEquals("token expired", refusal(TestTokens.sign(jwt, TestTokens.SECRET)));
    }

    /*
     * The clock leeway (docs/API.md: 5 s, JWT_LEEWAY_MS), measured on the verifier's own clock:
     * a fixed moment years away from the machine's, so a check against any other clock fails.
     * Half a second past a whole second, as JWT times are whole seconds: "T - 4" expired 4.5 s
     * ago, "T - 5" 5.5 s ago.
     */
    private static final long T = 1_000_000_000;
    private static final Clock HALF_PAST_T = Clock.fixed(Instant.ofEpochSecond(T, 500_000_000), ZoneOffset.UTC);

    /** A verifier with the gateway's default settings (but the test secret) on {@code clock}. */
    private static JwtVerifier defaultVerifier(Clock clock, String... overrides) {
        Map<String, String> values = new HashMap<>(Map.of("jwt.secret", TestTokens.SECRET));
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            values.put(overrides[i], overrides[i + 1]);
        }
        return new JwtVerifier(JwtSettings.from(Settings.of("edge-gateway", values)), clock);
    }

    private static String accepted(JwtVerifier verifier, String token, String what) {
        return assertDoesNotThrow(() -> verifier.verify(token, null), what).userId();
    }

    private static String expiringAt(long exp) {
        return TestTokens.raw("{\"sub\":\"alice\",\"type\":\"access\",\"exp\":" + exp + "}");
    }

    private static String validFrom(long nbf) {
        return TestTokens.raw("{\"sub\":\"alice\",\"type\":\"access\",\"nbf\":" + nbf + ",\"exp\":" + (T + 3600) + "}");
    }

    @Test
    void byDefaultATokenExpiredUnderFiveSecondsAgoIsAcceptedAndOneExpiredLongerIsRefused() {
        JwtVerifier verifier = defaultVerifier(HALF_PAST_T);

        assertEquals("alice", accepted(verifier, expiringAt(T - 4), "expired 4.5 s ago"));
        assertEquals("token expired", assertThrows(AuthenticationException.class,
                () -> verifier.verify(expiringAt(T - 5), null), "expired 5.5 s ago").getMessage());
    }

    @Test
    void byDefaultATokenValidInUnderFiveSecondsIsAcceptedAndOneValidLaterIsRefused() {
        JwtVerifier verifier = defaultVerifier(HALF_PAST_T);

        assertEquals("alice", accepted(verifier, validFrom(T + 5), "valid in 4.5 s"));
        assertEquals("token not yet valid", assertThrows(AuthenticationException.class,
                () -> verifier.verify(validFrom(T + 6), null), "valid in 5.5 s").getMessage());
    }

    @Test
    void theConfiguredLeewayReplacesTheDefault() {
        JwtVerifier verifier = defaultVerifier(HALF_PAST_T, "jwt.leeway.ms", "60000");

        assertEquals("alice", accepted(verifier, expiringAt(T - 59), "expired 59.5 s ago"));
        assertEquals("alice", accepted(verifier, validFrom(T + 60), "valid in 59.5 s"));
        assertEquals("token expired", assertThrows(AuthenticationException.class,
                () -> verifier.verify(expiringAt(T - 60), null), "expired 60.5 s ago").getMessage());
        assertEquals("token not yet valid", assertThrows(AuthenticationException.class,
                () -> verifier.verify(validFrom(T + 61), null), "valid in 60.5 s").getMessage());
    }

    @Test
    void tokenWithoutExpIsRefusedByDefault() {
        Jwt jwt = Jwt.builder().algorithm("HS256").subject("alice").build();
        assertEquals("token has no expiry", refusal(TestTokens.sign(jwt, TestTokens.SECRET)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"9999999999\"", "{}", "1e20", "[1]", "true"})
    void timeClaimsOfTheWrongTypeOrRangeAreMalformed(String exp) {
        assertEquals("malformed token", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":" + exp + "}")));
        assertEquals("malformed token", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"nbf\":" + exp + "}")));
    }

    @Test
    void criticalHeaderParametersAreRefused() {
        String token = TestTokens.raw("{\"alg\":\"HS256\",\"crit\":[\"foo\"],\"foo\":1}", "{\"sub\":\"alice\",\"exp\":9999999999}");
        assertEquals("token has critical header parameters this server does not support", refusal(token));
    }

    @Test
    void claimsOfTheWrongTypeAreRefused() {
        assertEquals("token type must be access", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"type\":1}")));
        assertEquals("token subject is not a valid user id",
                refusal(TestTokens.raw("{\"sub\":42,\"userId\":\"alice\",\"exp\":9999999999}")));
        assertEquals("device id is not valid", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"deviceId\":7}")));
    }

    @Test
    void handTokenWithPlainClaimsIsAccepted() throws Exception {
        Identity who = verifier().verify(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"deviceId\":\"d1\"}"), null);
        assertEquals(new Identity("alice", "d1", new Identity.TokenClaims(java.util.Optional.empty(),
                java.util.Optional.of(java.time.Instant.ofEpochSecond(9999999999L)), java.util.Optional.empty())), who);
    }

    @Test
    void theTokenLifetimeAndIdAreKeptForExpiryAndRevocation() throws Exception {
        Identity who = verifier().verify(TestTokens.raw("{\"sub\":\"alice\",\"iat\":1700000000,\"exp\":9999999999,"
                + "\"jti\":\"t-1\"}"), null);
        assertEquals(new Identity.TokenClaims(java.util.Optional.of(java.time.Instant.ofEpochSecond(1700000000L)),
                java.util.Optional.of(java.time.Instant.ofEpochSecond(9999999999L)), java.util.Optional.of("t-1")), who.token());
        assertEquals("token id (jti) is not valid", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"jti\":7}")));
        assertEquals("token id (jti) is not valid", refusal(TestTokens.raw("{\"sub\":\"alice\",\"exp\":9999999999,\"jti\":\"a b\"}")));
    }

    @Test
    void notYetValidTokenIsRefused() {
        Jwt jwt = TestTokens.base("alice").notBefore(Instant.now().plusSeconds(600)).build();
        assertEquals("token not yet valid", refusal(TestTokens.sign(jwt, TestTokens.SECRET)));
    }

    @Test
    void wrongSignatureIsRefused() {
        assertEquals("invalid signature", refusal(TestTokens.sign(TestTokens.base("alice").build(), "another-secret-of-enough-length!!")));
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = TestTokens.access("alice").split("\\.");
        String forged = B64URL.encodeToString("{\"sub\":\"mallory\",\"type\":\"access\",\"exp\":9999999999}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("invalid signature", refusal(parts[0] + "." + forged + "." + parts[2]));
    }

    @Test
    void algNoneIsAlwaysRefused() {
        String header = B64URL.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = B64URL.encodeToString("{\"sub\":\"alice\",\"type\":\"access\",\"exp\":9999999999}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("token algorithm none is not accepted", refusal(header + "." + payload + "."));
        assertThrows(IllegalArgumentException.class, () -> new JwtSettings(TestTokens.SECRET, Optional.empty(),
                Set.of("none"), Optional.empty(), Optional.empty(), Duration.ZERO, true));
    }

    @Test
    void algorithmOutsideTheAllowListIsRefused() {
        JwtVerifier hsOnly = new JwtVerifier(new JwtSettings(TestTokens.SECRET, Optional.of(jwks), Set.of("HS256"),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(5), true), Clock.systemUTC());
        String rs = SignedJwt.sign(TestTokens.base("alice").algorithm("RS256").keyId("rsa-1").build(), rsaPrivate()).tokenContent();
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> hsOnly.verify(rs, null));
        assertEquals("token algorithm RS256 is not accepted", e.getMessage());
    }

    @Test
    void wrongTypeIsRefused() {
        Jwt refresh = TestTokens.base("alice").addPayloadClaim("type", "refresh").build();
        assertEquals("token type must be access", refusal(TestTokens.sign(refresh, TestTokens.SECRET)));
    }

    @Test
    void tokenWithoutTypeClaimIsAccepted() throws Exception {
        Jwt jwt = Jwt.builder().algorithm("HS256").subject("alice").expirationTime(Instant.now().plusSeconds(60)).build();
        assertEquals("alice", verifier().verify(TestTokens.sign(jwt, TestTokens.SECRET), null).userId());
    }

    @Test
    void originalsUserIdClaimIsTheSubjectWhenSubIsAbsent() throws Exception {
        Jwt jwt = Jwt.builder().algorithm("HS256").addPayloadClaim("userId", "bob")
                .expirationTime(Instant.now().plusSeconds(60)).build();
        assertEquals("bob", verifier().verify(TestTokens.sign(jwt, TestTokens.SECRET), null).userId());
    }

    @Test
    void malformedAndMissingTokensAreRefused() {
        assertEquals("malformed token", refusal("not-a-jwt"));
        assertEquals("missing token", refusal(""));
        Jwt badSubject = TestTokens.base("alice{x}").build();
        assertEquals("token subject is not a valid user id", refusal(TestTokens.sign(badSubject, TestTokens.SECRET)));
    }

    @Test
    void rs256AndEs256TokensVerifyAgainstTheJwksByKid() throws Exception {
        String rs = SignedJwt.sign(TestTokens.base("carol").algorithm("RS256").keyId("rsa-1").build(), rsaPrivate()).tokenContent();
        assertEquals("carol", verifier().verify(rs, null).userId());
        String es = SignedJwt.sign(TestTokens.base("dave").algorithm("ES256").keyId("ec-1").build(), ecPrivate()).tokenContent();
        assertEquals("dave", verifier().verify(es, null).userId());
    }

    @Test
    void unknownKidIsRefused() {
        String rs = SignedJwt.sign(TestTokens.base("carol").algorithm("RS256").keyId("rsa-unknown").build(), rsaPrivate())
                .tokenContent();
        assertEquals("invalid signature", refusal(rs));
    }

    @Test
    void hmacTokenNamingTheRsaKidIsRefused() {
        // Algorithm confusion: an HS256 token whose kid names the RSA public key.
        Jwt jwt = TestTokens.base("mallory").keyId("rsa-1").build();
        assertEquals("invalid signature", refusal(TestTokens.sign(jwt, TestTokens.SECRET)));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        JwtVerifier strict = verifier(Optional.of("https://auth.sup"), Optional.of("sup-realtime"));
        String good = TestTokens.sign(TestTokens.base("alice").issuer("https://auth.sup").addAudience("sup-realtime").build(),
                TestTokens.SECRET);
        assertEquals("alice", strict.verify(good, null).userId());
        String wrongIss = TestTokens.sign(TestTokens.base("alice").issuer("https://evil").addAudience("sup-realtime").build(),
                TestTokens.SECRET);
        assertEquals("issuer not accepted", assertThrows(AuthenticationException.class, () -> strict.verify(wrongIss, null)).getMessage());
        String wrongAud = TestTokens.sign(TestTokens.base("alice").issuer("https://auth.sup").addAudience("other").build(),
                TestTokens.SECRET);
        assertEquals("audience not accepted", assertThrows(AuthenticationException.class, () -> strict.verify(wrongAud, null)).getMessage());
    }

    private static Jwk rsaPrivate() {
        return JwkRSA.builder().keyId("rsa-1").algorithm("RS256").privateKey((java.security.interfaces.RSAPrivateKey) rsa.getPrivate())
                .publicKey((RSAPublicKey) rsa.getPublic()).build();
    }

    private static Jwk ecPrivate() {
        return JwkEC.builder().keyId("ec-1").algorithm("ES256").privateKey((java.security.interfaces.ECPrivateKey) ec.getPrivate())
                .publicKey((ECPublicKey) ec.getPublic()).build();
    }

    private static String b64(BigInteger n) {
        byte[] bytes = n.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return B64URL.encodeToString(bytes);
    }

    private static String b64(BigInteger n, int length) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return B64URL.encodeToString(out);
    }
}
