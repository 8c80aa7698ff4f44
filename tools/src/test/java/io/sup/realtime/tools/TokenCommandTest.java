package io.sup.realtime.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.helidon.common.Errors;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.sup.realtime.platform.auth.SharedSecretKey;
import io.helidon.security.jwt.jwk.JwkKeys;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup token} end to end through picocli: the printed token verifies with Helidon's
 * {@link SignedJwt} against the same secret, the way the gateway checks a token without a
 * {@code kid}, and carries the claims asked for; bad input is a usage error (exit 2).
 */
class TokenCommandTest {
    private static final String SECRET = "test-secret-that-is-long-enough-for-hs256";
    private static final Map<String, String> ENV = Map.of("JWT_SECRET", SECRET);

    @Test
    void tokenVerifiesAgainstTheSecretWithoutKidAndCarriesTheClaims() {
        Instant before = Instant.now().minusSeconds(1);
        CliRun run = CliRun.run(ENV, "token", "--user", "alice", "--device", "phone-1", "--ttl", "30m");
        Instant after = Instant.now().plusSeconds(1);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err(), "nothing on stderr for a long secret");
        String token = run.out().strip();
        assertEquals(1, run.out().lines().count(), "the token alone on stdout");

        SignedJwt signed = SignedJwt.parseToken(token);
        Jwt jwt = signed.getJwt();
        assertEquals("HS256", jwt.headers().algorithm().orElseThrow());
        assertTrue(jwt.headers().keyId().isEmpty(), "no kid header: the gateway must use JWT_SECRET");
        Errors signature = signed.verifySignature(JwkKeys.builder().build(), gatewayKey(SECRET));
        assertTrue(signature.isValid(), signature.toString());

        assertEquals("alice", jwt.subject().orElseThrow());
        assertEquals("phone-1", stringClaim(jwt, "deviceId"));
        assertEquals("access", stringClaim(jwt, "type"));
        Instant iat = jwt.issueTime().orElseThrow();
        Instant exp = jwt.expirationTime().orElseThrow();
        assertTrue(!iat.isBefore(before) && !iat.isAfter(after), "iat is now: " + iat);
        assertEquals(Duration.ofMinutes(30), Duration.between(iat, exp));
        assertTrue(JwtValidator.builder().addExpirationValidator(v -> v.mandatory(true)).build().validate(jwt).isValid(),
                "not expired");
    }

    @Test
    void tokenDoesNotVerifyWithAnotherSecret() {
        CliRun run = CliRun.run(ENV, "token", "--user", "alice");

        SignedJwt signed = SignedJwt.parseToken(run.out().strip());
        assertFalse(signed.verifySignature(JwkKeys.builder().build(), gatewayKey(SECRET + "-other")).isValid());
    }

    @Test
    void defaultsAreTwentyFourHoursAndNoDeviceClaim() {
        CliRun run = CliRun.run(ENV, "token", "-u", "bob");

        assertEquals(0, run.exitCode(), run.toString());
        Jwt jwt = SignedJwt.parseToken(run.out().strip()).getJwt();
        assertEquals(Duration.ofHours(24), Duration.between(jwt.issueTime().orElseThrow(), jwt.expirationTime().orElseThrow()));
        assertTrue(jwt.payloadClaim("deviceId").isEmpty());
        assertTrue(jwt.issuer().isEmpty());
        assertTrue(jwt.audience().isEmpty());
    }

    @Test
    void secretOptionWinsOverTheEnvironmentAndIssuerAudienceAreWritten() {
        String other = "another-secret-that-is-long-enough-for-it";
        CliRun run = CliRun.run(ENV, "token", "--user", "carol", "--secret", other, "--issuer", "sup-auth",
                "--audience", "sup-realtime", "--ttl", "3600s");

        assertEquals(0, run.exitCode(), run.toString());
        SignedJwt signed = SignedJwt.parseToken(run.out().strip());
        assertTrue(signed.verifySignature(JwkKeys.builder().build(), gatewayKey(other)).isValid());
        assertFalse(signed.verifySignature(JwkKeys.builder().build(), gatewayKey(SECRET)).isValid());
        assertEquals("sup-auth", signed.getJwt().issuer().orElseThrow());
        assertEquals(List.of("sup-realtime"), signed.getJwt().audience().orElseThrow());
    }

    @Test
    void missingSecretIsAUsageErrorNamingTheVariable() {
        CliRun run = CliRun.run(Map.of(), "token", "--user", "alice");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("no signing secret") && run.err().contains("JWT_SECRET") && run.err().contains("--secret"),
                run.err());
    }

    @Test
    void blankSecretInTheEnvironmentCountsAsMissing() {
        CliRun run = CliRun.run(Map.of("JWT_SECRET", "  "), "token", "--user", "alice");

        assertEquals(2, run.exitCode(), run.toString());
    }

    @Test
    void badTtlIsAUsageErrorSayingWhatIsValid() {
        CliRun run = CliRun.run(ENV, "token", "--user", "alice", "--ttl", "soon");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("--ttl") && run.err().contains("24h"), run.err());
    }

    @Test
    void missingUserAndMalformedUserAreUsageErrors() {
        assertEquals(2, CliRun.run(ENV, "token").exitCode());
        CliRun malformed = CliRun.run(ENV, "token", "--user", "has space");
        assertEquals(2, malformed.exitCode(), malformed.toString());
        assertTrue(malformed.err().contains("user id"), malformed.err());
        assertEquals(2, CliRun.run(ENV, "token", "--user", "alice", "--device", "bad/device").exitCode());
    }

    @Test
    void shortSecretWorksWithAWarning() {
        CliRun run = CliRun.run(Map.of("JWT_SECRET", "short"), "token", "--user", "alice");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("warning:"), run.err());
        assertTrue(SignedJwt.parseToken(run.out().strip()).verifySignature(JwkKeys.builder().build(), gatewayKey("short")).isValid());
    }

    @Test
    void helpIsAvailable() {
        CliRun run = CliRun.run(Map.of(), "token", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--ttl") && run.out().contains("JWT_SECRET"), run.out());
    }

    /** The key the gateway verifies JWT_SECRET tokens with. */
    private static Jwk gatewayKey(String secret) {
        return SharedSecretKey.hs256(secret);
    }

    private static String stringClaim(Jwt jwt, String name) {
        return ((JsonString) jwt.payloadClaim(name).orElseThrow()).getString();
    }
}
