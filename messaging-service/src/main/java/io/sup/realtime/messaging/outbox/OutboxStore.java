package io.sup.realtime.messaging.outbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.MessagingKeys;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The notification outbox in Redis: {@code msg:outbox} ({@link MessagingKeys#outbox}), a
 * stream with server-assigned ids, trimmed to about {@code maxEntries} (MAXLEN ~) at every
 * write.
 *
 * <p>Fields: {@code kind} ({@code message} or {@code members_added}), {@code chat}, {@code ts}
 * (ms); kind {@code message}: {@code msg}, {@code sender}, {@code type}, and when not empty
 * {@code mentioned}, {@code offline} (ids comma-joined: ids hold no ','),
 * {@code replyToSender}, {@code preview}, {@code enc} ({@code 1}); kind
 * {@code members_added}: {@code added} (comma-joined).
 */
public final class OutboxStore {
    private static final String MESSAGE = "message";
    private static final String MEMBERS_ADDED = "members_added";

    private final UnifiedJedis redis;
    private final int maxEntries;

    /**
     * @param redis      the messaging service's Redis
     * @param maxEntries about how many records are kept (trimmed approximately, for speed)
     */
    public OutboxStore(UnifiedJedis redis, int maxEntries) {
        this.redis = redis;
        this.maxEntries = maxEntries;
    }

    /** Writes {@code entry} (its id is ignored): one XADD, one round trip. */
    void append(OutboxEntry entry) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("chat", entry.chatId());
        switch (entry) {
            case OutboxEntry.MessageStored m -> {
                fields.put("kind", MESSAGE);
                fields.put("ts", Long.toString(m.createdAt().toEpochMilli()));
                fields.put("msg", m.messageId());
                fields.put("sender", m.senderId());
                fields.put("type", m.messageType());
                putUnlessEmpty(fields, "mentioned", String.join(",", m.mentionedIds()));
                putUnlessEmpty(fields, "replyToSender", m.replyToSenderId());
                putUnlessEmpty(fields, "offline", String.join(",", m.offlineIds()));
                putUnlessEmpty(fields, "preview", m.preview());
                putUnlessEmpty(fields, "enc", m.encrypted() ? "1" : "");
            }
            case OutboxEntry.MembersAdded a -> {
                fields.put("kind", MEMBERS_ADDED);
                fields.put("ts", Long.toString(a.addedAt().toEpochMilli()));
                fields.put("added", String.join(",", a.addedIds()));
            }
        }
        redis.xadd(MessagingKeys.outbox(), XAddParams.xAddParams().maxLen(maxEntries).approximateTrimming(), fields);
    }

    /**
     * Up to {@code count} records after the stream id {@code afterId} (exclusive; empty: from
     * the oldest kept), oldest first. {@code afterId} must be a well-formed stream id below
     * the largest one ({@link OutboxService} checks).
     */
    List<OutboxEntry> after(String start, int count) {
        return redis.xrange(MessagingKeys.outbox(), start, "+", count).stream()
                .map(OutboxStore::entry).toList();
    }

    private static OutboxEntry entry(StreamEntry e) {
        Map<String, String> f = e.getFields();
        String id = e.getID().toString();
        Instant at = Instant.ofEpochMilli(Long.parseLong(f.get("ts")));
        if (MEMBERS_ADDED.equals(f.get("kind"))) {
            return new OutboxEntry.MembersAdded(id, f.get("chat"), ids(f.get("added")), at);
        }
        return new OutboxEntry.MessageStored(id, f.get("chat"), f.get("msg"), f.get("sender"), f.get("type"), at,
                ids(f.get("mentioned")), f.getOrDefault("replyToSender", ""), ids(f.get("offline")),
                f.getOrDefault("preview", ""), f.containsKey("enc"));
    }

    private static void putUnlessEmpty(Map<String, String> fields, String field, String value) {
        if (!value.isEmpty()) {
            fields.put(field, value);
        }
    }

    private static List<String> ids(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
