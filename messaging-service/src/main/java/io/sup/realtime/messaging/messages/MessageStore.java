package io.sup.realtime.messaging.messages;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.platform.redis.PipelinedReads;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Each chat's message log in Redis (keyspace {@code msg:}).
 *
 * <ul>
 *   <li>{@code msg:rl:{<sender>}:message:new}: the sender's rate log, checked in the append
 *       script (see {@link MessagingKeys#rateLimit}).</li>
 *   <li>{@code msg:{<chat>}:seq}: the last sequence number given out.</li>
 *   <li>{@code msg:{<chat>}:log}: Redis stream, entry id {@code <seq>-0}, fields
 *       {@code sender device type content tempId ts}, and when present {@code replyTo},
 *       {@code fwdChat fwdId fwdSender}, {@code enc} and {@code m:<key>} (encrypted
 *       content and its metadata), {@code mentions} (the mentioned members, comma-joined:
 *       ids hold no ','). Bounded: trimmed to about the configured history length
 *       (MAXLEN ~).</li>
 *   <li>{@code msg:{<chat>}:temp:<len(sender)>:<sender>:<tempId>}: the seq a (sender, tempId)
 *       pair got, so a retry stores nothing new. The sender's length keeps pairs apart when
 *       ids contain ':' (sender "a:x" + tempId "m" vs sender "a" + tempId "x:m").
 *       Bounded: expires after the configured TTL.</li>
 * </ul>
 */
public final class MessageStore {
    private static final LuaScript APPEND = LuaScript.fromResources(MessageStore.class, RateLimiter.PRELUDE,
            "/lua/append_message.lua");

    /** Stream-field prefix of encrypted-content metadata entries. */
    private static final String META_PREFIX = "m:";

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
        /**
         * Stored now under this sequence number; {@code memberIds} are the chat's members
         * then, {@code mentions} the candidates among them (in the given order).
         */
        record Stored(long seq, List<String> memberIds, List<String> mentions) implements Appended {
        }

        /** The (sender, tempId) pair was stored before, under this sequence number. */
        record Duplicate(long seq) implements Appended {
        }

        /** The sender is not a member of the chat (or the chat does not exist). */
        record NotMember() implements Appended {
        }

        /** The sender's rate limit refused the message; nothing was stored. */
        record RateLimited(long retryAfterMs) implements Appended {
        }
    }

    /**
     * Appends {@code m} (its seq is ignored: the next one is assigned) if its sender is a
     * member and {@code check} allows it, at most once per (sender, tempId), in one script
     * (see {@code lua/append_message.lua} for the order of the checks). Its mentions are the
     * candidates: the script stores, and answers, only the members among them. {@code alongside}
     * (the delivery's route look-up) is read in the same round trip, after the script, where
     * that order holds; else it is discarded ({@link LuaScript#run(UnifiedJedis, List, List,
     * PipelinedReads)}).
     */
    Appended append(StoredMessage m, RateCheck check, PipelinedReads alongside) {
        String chatId = m.chatId();
        List<String> keys = check.keys(redis, List.of(MessagingKeys.members(chatId), MessagingKeys.seq(chatId),
                MessagingKeys.log(chatId), MessagingKeys.tempId(chatId, m.senderId(), m.tempId())));
        List<String> args = new ArrayList<>(List.of(m.senderId(), Integer.toString(historyLength),
                Long.toString(Math.max(1, tempIdTtl.toMillis())), m.tempId(), Integer.toString(m.mentions().size())));
        args.addAll(m.mentions());
        args.addAll(List.of("sender", m.senderId(), "device", m.senderDeviceId(), "type", m.type(),
                "content", m.content(), "tempId", m.tempId(), "ts", Long.toString(m.createdAt().toEpochMilli())));
        if (!m.replyTo().isEmpty()) {
            args.addAll(List.of("replyTo", m.replyTo()));
        }
        if (m.forwardedFrom() != null) {
            args.addAll(List.of("fwdChat", m.forwardedFrom().chatId(), "fwdId", m.forwardedFrom().messageId(),
                    "fwdSender", m.forwardedFrom().senderId()));
        }
        if (m.encrypted() != null) {
            args.addAll(List.of("enc", m.encrypted().ciphertext()));
            // Metadata entries as fields of their own, prefixed: no second encoding needed.
            m.encrypted().metadata().forEach((key, value) -> args.addAll(List.of(META_PREFIX + key, value)));
        }
        List<?> reply = (List<?>) APPEND.run(redis, keys, check.args(args), alongside);
        long seq = (Long) reply.get(0);
        if (seq == -1) {
            return new Appended.NotMember();
        }
        if (seq == -2) {
            return new Appended.RateLimited((Long) reply.get(1));
        }
        if ((Long) reply.get(1) == 1L) {
            return new Appended.Duplicate(seq);
        }
        List<String> members = ((List<?>) reply.get(2)).stream().map(MessageStore::text).toList();
        return new Appended.Stored(seq, members, commaSeparated(text(reply.get(3))));
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
        StoredMessage.Encrypted encrypted = null;
        if (f.containsKey("enc")) {
            Map<String, String> metadata = new TreeMap<>();
            f.forEach((key, value) -> {
                if (key.startsWith(META_PREFIX)) {
                    metadata.put(key.substring(META_PREFIX.length()), value);
                }
            });
            encrypted = new StoredMessage.Encrypted(f.get("enc"), metadata);
        }
        StoredMessage.ForwardedFrom forwarded = f.containsKey("fwdChat")
                ? new StoredMessage.ForwardedFrom(f.get("fwdChat"), f.get("fwdId"), f.get("fwdSender")) : null;
        return new StoredMessage(chatId, entry.getID().getTime(), f.get("sender"), f.get("device"), f.get("type"),
                f.get("content"), f.getOrDefault("tempId", ""), Instant.ofEpochMilli(Long.parseLong(f.get("ts"))),
                encrypted, f.getOrDefault("replyTo", ""), forwarded, commaSeparated(f.getOrDefault("mentions", "")));
    }

    /** A script's string reply (Jedis answers bulk strings inside arrays as bytes). */
    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) reply;
    }

    /** The ids of a comma-joined field; none for an empty one. */
    private static List<String> commaSeparated(String joined) {
        return joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

}
