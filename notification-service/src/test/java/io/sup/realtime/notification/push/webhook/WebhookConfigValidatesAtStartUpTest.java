package io.sup.realtime.notification.push.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.sup.realtime.notification.push.PushConfig;
import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook's and push delivery's settings: defaults from notification-service.yaml, and refusals that name the key. */
class WebhookConfigValidatesAtStartUpTest {
    private static final String SECRET = "s".repeat(WebhookConfig.MIN_SECRET_BYTES);

    @Test
    void noUrlMeansNoWebhookProvider() {
        assertEquals(Optional.empty(), WebhookConfig.from(settings(Map.of())));
        assertEquals(Optional.empty(), WebhookConfig.from(settings(Map.of("notif.webhook.url", "  "))));
    }

    @Test
    void aUrlAndASecretTakeTheDefaultsForTheRest() {
        WebhookConfig config = WebhookConfig.from(settings(Map.of("notif.webhook.url", "https://relay.example.org/push",
                "notif.webhook.secret", SECRET))).orElseThrow();
        assertEquals(URI.create("https://relay.example.org/push"), config.url());
        assertEquals(SECRET, config.secret());
        assertEquals(Duration.ofMillis(5000), config.timeout());
        assertEquals(5, config.attempts());
        assertEquals(Duration.ofMillis(500), config.backoff());
        assertEquals(Duration.ofMillis(30_000), config.backoffMax());
        assertEquals(new PushConfig(64, 10_000), PushConfig.from(settings(Map.of())));
    }

    @Test
    void everySettingIsRead() {
        WebhookConfig config = WebhookConfig.from(settings(Map.of("notif.webhook.url", "http://127.0.0.1:8080/push",
                "notif.webhook.secret", SECRET, "notif.webhook.timeout.ms", "1500", "notif.webhook.attempts", "7",
                "notif.webhook.backoff.ms", "20", "notif.webhook.backoff.max.ms", "100"))).orElseThrow();
        assertEquals(new WebhookConfig(URI.create("http://127.0.0.1:8080/push"), SECRET, Duration.ofMillis(1500), 7,
                Duration.ofMillis(20), Duration.ofMillis(100)), config);
        assertEquals(new PushConfig(3, 50), PushConfig.from(settings(Map.of("notif.push.concurrency", "3",
                "notif.push.dead.max.entries", "50"))));
    }

    @Test
    void aUrlNeedsASecretOfAtLeast32Bytes() {
        refused(Map.of("notif.webhook.url", "https://relay.example.org/push"), "'notif.webhook.secret' (env NOTIF_WEBHOOK_SECRET)");
        refused(Map.of("notif.webhook.url", "https://relay.example.org/push", "notif.webhook.secret", "s".repeat(31)),
                "NOTIF_WEBHOOK_SECRET");
        // 11 three-byte characters are 33 bytes: bytes count, not characters
        assertTrue(WebhookConfig.from(settings(Map.of("notif.webhook.url", "https://relay.example.org/push",
                "notif.webhook.secret", "€".repeat(11)))).isPresent());
    }

    @Test
    void badValuesAreRefusedByName() {
        Map<String, String> good = Map.of("notif.webhook.url", "https://relay.example.org/push", "notif.webhook.secret", SECRET);
        refused(with(good, "notif.webhook.url", "ftp://relay.example.org/push"), "NOTIF_WEBHOOK_URL");
        refused(with(good, "notif.webhook.url", "relay.example.org/push"), "NOTIF_WEBHOOK_URL");
        refused(with(good, "notif.webhook.attempts", "0"), "NOTIF_WEBHOOK_ATTEMPTS");
        refused(with(good, "notif.webhook.attempts", "21"), "NOTIF_WEBHOOK_ATTEMPTS");
        refused(with(good, "notif.webhook.timeout.ms", "0"), "NOTIF_WEBHOOK_TIMEOUT_MS");
        refused(with(good, "notif.webhook.backoff.ms", "-1"), "NOTIF_WEBHOOK_BACKOFF_MS");
        refused(with(with(good, "notif.webhook.backoff.ms", "1000"), "notif.webhook.backoff.max.ms", "999"),
                "NOTIF_WEBHOOK_BACKOFF_MAX_MS");
        assertThrows(IllegalArgumentException.class, () -> PushConfig.from(settings(Map.of("notif.push.concurrency", "0"))));
    }

    @Test
    void credentialsInTheUrlAreRefusedAndNeverRepeated() {
        IllegalArgumentException e = refused(Map.of("notif.webhook.url", "https://relay:hunter2@relay.example.org/push",
                "notif.webhook.secret", SECRET), "NOTIF_WEBHOOK_URL");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        IllegalArgumentException malformed = refused(Map.of("notif.webhook.url", "https://relay.example.org/push?key=hunter2 x",
                "notif.webhook.secret", SECRET), "NOTIF_WEBHOOK_URL");
        assertFalse(malformed.getMessage().contains("hunter2"), malformed.getMessage());
    }

    @Test
    void toStringShowsNeitherTheSecretNorTheUrlsPathAndQuery() {
        WebhookConfig config = new WebhookConfig(URI.create("https://relay.example.org:8443/hook/k-123?key=hunter2"), SECRET,
                Duration.ofSeconds(5), 5, Duration.ofMillis(500), Duration.ofSeconds(30));
        String text = config.toString();
        assertTrue(text.contains("relay.example.org:8443"), text);
        assertFalse(text.contains(SECRET) || text.contains("hunter2") || text.contains("k-123"), text);
    }

    private static IllegalArgumentException refused(Map<String, String> values, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookConfig.from(settings(values)));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        return e;
    }

    private static Map<String, String> with(Map<String, String> values, String key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(key, value);
        return copy;
    }

    private static Settings settings(Map<String, String> values) {
        return Settings.of("notification-service", values);
    }
}
