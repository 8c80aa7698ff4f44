package io.sup.realtime.notification.push;

import java.time.Instant;
import java.util.Map;

/** Pushes for tests: one to a device of ann's, for a message mentioning her in chat c1. */
public final class TestPushes {
    /** The time the notification was made. */
    public static final Instant CREATED_AT = Instant.parse("2026-12-01T12:00:00.123Z");

    private TestPushes() {
    }

    /** Push {@code pushId} to ann's phone through {@code provider} with {@code token}. */
    public static PushMessage push(String pushId, String provider, String token) {
        return new PushMessage(pushId, new PushDevice("ann", "phone-1", provider, token), "n-7", "mention", "high",
                "Ben in Launch", "@ann the deck is ready", "ping", 3, 2, "chat:c1",
                Map.of("chatId", "c1", "messageId", "m-42", "actorId", "ben"), CREATED_AT);
    }
}
