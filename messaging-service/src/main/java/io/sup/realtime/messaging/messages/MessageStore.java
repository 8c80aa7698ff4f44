package io.sup.realtime.messaging.messages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Each chat's message log in Redis (keyspace {@code msg:}).
 *
 * <ul>
 *   <li>{@code msg:{<chat>}:seq}: the last sequence number given out.</li>
 *   <li>{@code msg:{<chat>}:log}: Redis stream, entry id {@code <seq>-0}, fields
 *       {@code sender device type content tempId ts}. Bounded: trimmed to about the
 *       configured history length (MAXLEN ~).</li>
 *   <li>{@code msg:{<chat>}:temp:<len(sender)>:<sender>:<tempId>}: the seq a (sender, tempId)
 *       pair got, so a retry stores nothing new. The sender's length keeps pairs apart when
 *       ids contain ':' (sender "a:x" + tempId "m" vs sender "a" + tempId "x:m").
 *       Bounded: expires after the configured TTL.</li>
 * </ul>
 */
public final class MessageStore {
    private static final LuaScript APPEND = LuaScript.fromResource(MessageStore.class, "/lua/append_message.lua");

    private final UnifiedJedis redis;
    private final int historyLength;
    private final Duration tempIdTtl;

    /**
     * @param redis         the messaging service's Redis
     * @param historyLength messages kept per chat (approximately; Redis trims whole nodes)
     * @param tempIdTtl     how long a tempId is remembered for de-duplication
     */
    public MessageStore(UnifiedJedis redis, int historyLength, Duration tempIdTtl) {
        this.redis = redis;
        this.historyLength = historyLength;
        this.tempIdTtl = tempIdTtl;
    }

    /** What an append did. */
    sealed interface Appended {
        /** Stored now under this sequence number. */
        record Stored(long seq) implements Appended {
        }

        /** The (sender, tempId) pair was stored before, under this sequence number. */
        record Duplicate(long seq) implements Appended {
        }

        /** The sender is not a member of the chat (or the chat does not exist). */
        record NotMember() implements Appended {
        }
    }

    /** Appends a message if its sender is a member, at most once per (sender, tempId). */
    Appended append(String chatId, String senderId, String deviceId, String type, String content,
                    String tempId, Instant now) {
        List<String> keys = List.of(MessagingKeys.members(chatId), MessagingKeys.seq(chatId),
                MessagingKeys.log(chatId), MessagingKeys.tempId(chatId, senderId, tempId));
        List<String> args = new ArrayList<>(List.of(senderId, Integer.toString(historyLength),
                Long.toString(Math.max(1, tempIdTtl.toMillis())), tempId,
                "sender", senderId, "device", deviceId, "type", type, "content", content,
                "tempId", tempId, "ts", Long.toString(now.toEpochMilli())));
        List<?> reply = (List<?>) APPEND.run(redis, keys, args);
        long seq = (Long) reply.get(0);
        if (seq < 0) {
            return new Appended.NotMember();
        }
        return (Long) reply.get(1) == 1L ? new Appended.Duplicate(seq) : new Appended.Stored(seq);
    }

    /** The message stored under {@code seq}, or null when it was trimmed away. */
    StoredMessage read(String chatId, long seq) {
        StreamEntryID id = new StreamEntryID(seq, 0);
        List<StreamEntry> entries = redis.xrange(MessagingKeys.log(chatId), id, id, 1);
        return entries.isEmpty() ? null : message(chatId, entries.getFirst());
    }

    /** Up to {@code count} stored messages after {@code afterSeq}, oldest first. */
    List<StoredMessage> after(String chatId, long afterSeq, int count) {
        return redis.xrange(MessagingKeys.log(chatId), new StreamEntryID(afterSeq + 1, 0), (StreamEntryID) null, count)
                .stream().map(entry -> message(chatId, entry)).toList();
    }

    /** The last sequence number given out, 0 for none. */
    long lastSeq(String chatId) {
        String value = redis.get(MessagingKeys.seq(chatId));
        return value == null ? 0 : Long.parseLong(value);
    }

    private static StoredMessage message(String chatId, StreamEntry entry) {
        Map<String, String> f = entry.getFields();
        return new StoredMessage(chatId, entry.getID().getTime(), f.get("sender"), f.get("device"), f.get("type"),
                f.get("content"), f.getOrDefault("tempId", ""), Instant.ofEpochMilli(Long.parseLong(f.get("ts"))));
    }

}
