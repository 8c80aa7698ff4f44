package io.sup.realtime.notification.push;

import io.sup.realtime.platform.config.Settings;

/**
 * The push delivery layer's own settings ({@code notification-service.yaml}, environment
 * overrides); the webhook provider's are {@link io.sup.realtime.notification.push.webhook.WebhookConfig}.
 *
 * @param concurrency           most pushes sent at once ({@code NOTIF_PUSH_CONCURRENCY}, default 64,
 *                              1-10,000); more wait their turn, see {@link PushDelivery}
 * @param deadLettersMaxEntries about how many dead letters are kept ({@code NOTIF_PUSH_DEAD_MAX_ENTRIES},
 *                              default {@value DeadLetters#DEFAULT_MAX_ENTRIES}, 1-10,000,000)
 */
public record PushConfig(int concurrency, int deadLettersMaxEntries) {
    /** Reads and validates the settings. */
    public static PushConfig from(Settings s) {
        return new PushConfig(s.intInRange("notif.push.concurrency", 1, 10_000),
                s.intInRange("notif.push.dead.max.entries", 1, 10_000_000));
    }
}
