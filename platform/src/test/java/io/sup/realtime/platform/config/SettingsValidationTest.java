package io.sup.realtime.platform.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Settings read the service's defaults ({@code x.yaml} on the test class path) under explicit
 * overrides, and refuse a bad value with a message naming the key, its environment variable
 * and the value, so a misconfigured service says what to fix.
 */
class SettingsValidationTest {

    private static Settings with(String key, String value) {
        return Settings.of("x", Map.of(key, value));
    }

    private static IllegalArgumentException refused(Runnable read) {
        return assertThrows(IllegalArgumentException.class, read::run);
    }

    @Test
    void defaultsComeFromTheServiceYaml() {
        Settings settings = Settings.of("x", Map.of());

        assertAll(
                () -> assertEquals(3001, settings.port("port")),
                () -> assertEquals(7001, settings.port("grpc.port")),
                () -> assertEquals(URI.create("redis://127.0.0.1:6379"), settings.uri("redis.url")),
                () -> assertEquals(Duration.ofSeconds(2), settings.millis("redis.timeout.ms")),
                () -> assertEquals(Duration.ofSeconds(30), settings.millis("heartbeat.interval")),
                () -> assertTrue(settings.bool("metrics.enabled")),
                () -> assertEquals(List.of("https://a.example", "https://b.example"), settings.list("cors.origin")));
    }

    @Test
    void overridesWinOverTheDefaults() {
        Settings settings = Settings.of("x", Map.of("port", "0", "grpc.port", "65535", "metrics.enabled", "FALSE"));

        assertEquals(0, settings.port("port"));
        assertEquals(65_535, settings.port("grpc.port"));
        assertFalse(settings.bool("metrics.enabled"));
    }

    @Test
    void aNonNumericPortNamesTheKeyTheEnvVariableAndTheValue() {
        IllegalArgumentException e = refused(() -> with("port", "30o1").port("port"));

        assertTrue(e.getMessage().contains("'port'"), e.getMessage());
        assertTrue(e.getMessage().contains("env PORT"), e.getMessage());
        assertTrue(e.getMessage().contains("'30o1'"), e.getMessage());
    }

    @Test
    void aNestedKeyNamesItsUnderscoredEnvVariable() {
        IllegalArgumentException e = refused(() -> with("grpc.port", "x").port("grpc.port"));

        assertTrue(e.getMessage().contains("'grpc.port'"), e.getMessage());
        assertTrue(e.getMessage().contains("env GRPC_PORT"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "100000"})
    void portsOutsideZeroTo65535AreRefused(String value) {
        IllegalArgumentException e = refused(() -> with("port", value).port("port"));

        assertTrue(e.getMessage().contains("between 0 and 65535"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
    }

    @Test
    void intInRangeAcceptsItsBoundsAndRefusesBeyondThem() {
        assertEquals(1, with("n", "1").intInRange("n", 1, 10));
        assertEquals(10, with("n", " 10 ").intInRange("n", 1, 10));
        refused(() -> with("n", "0").intInRange("n", 1, 10));
        refused(() -> with("n", "11").intInRange("n", 1, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "2s", ""})
    void millisMustBeAPositiveWholeNumber(String value) {
        IllegalArgumentException e = refused(() -> with("redis.timeout.ms", value).millis("redis.timeout.ms"));

        assertTrue(e.getMessage().contains("env REDIS_TIMEOUT_MS"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:6379", "/just/a/path", "redis://", "redis:// spaces"})
    void aUriMustBeAbsoluteWithAHost(String value) {
        IllegalArgumentException e = refused(() -> with("redis.url", value).uri("redis.url"));

        assertTrue(e.getMessage().contains("env REDIS_URL"), e.getMessage());
    }

    @Test
    void aBooleanIsTrueOrFalseOnly() {
        assertTrue(with("metrics.enabled", " True ").bool("metrics.enabled"));
        IllegalArgumentException e = refused(() -> with("metrics.enabled", "yes").bool("metrics.enabled"));

        assertTrue(e.getMessage().contains("env METRICS_ENABLED"), e.getMessage());
        assertTrue(e.getMessage().contains("expected true or false"), e.getMessage());
    }

    @Test
    void aListSplitsOnCommasTrimsAndSkipsBlankItems() {
        assertEquals(List.of("a", "b", "c"), with("cors.origin", " a, b,,c , ").list("cors.origin"));
        assertEquals(List.of("*"), with("cors.origin", "*").list("cors.origin"));
    }

    @Test
    void aMissingRequiredKeyNamesItsEnvVariable() {
        IllegalArgumentException e = refused(() -> Settings.of("x", Map.of()).string("jwt.secret"));

        assertTrue(e.getMessage().contains("'jwt.secret' is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("env JWT_SECRET"), e.getMessage());
    }

    @Test
    void dashesInKeysBecomeUnderscoresInTheEnvName() {
        IllegalArgumentException e = refused(() -> with("rate-limit.max", "many").intInRange("rate-limit.max", 1, 9));

        assertTrue(e.getMessage().contains("env RATE_LIMIT_MAX"), e.getMessage());
    }

    @Test
    void anOptionalStringFallsBackWhenAbsentOrBlank() {
        assertEquals("fallback", Settings.of("x", Map.of()).string("log.level", "fallback"));
        assertEquals("fallback", with("log.level", "  ").string("log.level", "fallback"));
        assertEquals("debug", with("log.level", "debug").string("log.level", "fallback"));
    }
}
