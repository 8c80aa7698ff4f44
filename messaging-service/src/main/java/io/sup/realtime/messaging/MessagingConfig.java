package io.sup.realtime.messaging;

import java.time.Duration;

import io.sup.realtime.platform.config.Settings;

/**
 * The messaging service's own settings ({@code application.yaml}, environment overrides).
 *
 * @param historyLength   messages kept per chat ({@code MESSAGING_HISTORY_LENGTH}, default 10,000)
 * @param maxContentBytes largest message content in UTF-8 bytes ({@code MESSAGING_MAX_CONTENT_BYTES}, default 65,536)
 * @param maxMembers      most members per chat ({@code MESSAGING_MAX_MEMBERS}, default 5,000)
 * @param tempIdTtl       how long a tempId de-duplicates retries ({@code MESSAGING_TEMP_ID_TTL_MS}, default 24 h)
 * @param routeTtl        routing-registry entry lifetime, shared with the gateways ({@code BUS_ROUTE_TTL_MS})
 * @param routeCacheEntries routing-registry keys kept in memory ({@code BUS_ROUTE_CACHE_ENTRIES}, default 100,000;
 *                        0: none, every delivery reads its recipients' routes)
 * @param typingTtl       how long a typist stays typing without a refresh ({@code MESSAGING_TYPING_TTL_MS}, default 5 s)
 * @param reactionsTtl    how long a message's reactions are kept after its last one
 *                        ({@code MESSAGING_REACTIONS_TTL_MS}, default 90 days)
 * @param outboxMaxEntries about how many notification outbox records are kept, unread or not
 *                        ({@code MESSAGING_OUTBOX_MAX_ENTRIES}, default 100,000)
 */
public record MessagingConfig(int historyLength, int maxContentBytes, int maxMembers, Duration tempIdTtl,
                              Duration routeTtl, int routeCacheEntries, Duration typingTtl, Duration reactionsTtl, int outboxMaxEntries) {
    /** Reads and validates the settings. */
    public static MessagingConfig from(Settings s) {
        return new MessagingConfig(
                s.intInRange("messaging.history.length", 1, 10_000_000),
                s.intInRange("messaging.max.content.bytes", 1, 16 * 1024 * 1024),
                s.intInRange("messaging.max.members", 1, 1_000_000),
                s.millis("messaging.temp.id.ttl.ms"),
                s.millis("bus.route.ttl.ms"),
                s.intInRange("bus.route.cache.entries", 0, 10_000_000),
                s.millis("messaging.typing.ttl.ms"),
                s.millis("messaging.reactions.ttl.ms"),
                s.intInRange("messaging.outbox.max.entries", 1, 100_000_000));
    }
}
