package io.sup.realtime.messaging.receipts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.UnifiedJedis;

/**
 * Members' delivered and read positions (keyspace {@code msg:}):
 * {@code msg:{<chat>}:delivered} and {@code msg:{<chat>}:read}, hashes user id -> the highest
 * sequence number covered. Bounded by the chat's member count. Positions only move forward,
 * in one script with the membership and rate checks (see {@code lua/advance_receipt.lua}).
 */
public final class ReceiptStore {
    private static final LuaScript ADVANCE = LuaScript.fromResources(ReceiptStore.class, RateLimiter.PRELUDE,
            "/lua/advance_receipt.lua");

    private final UnifiedJedis redis;

    /** @param redis the messaging service's Redis */
    public ReceiptStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** What advancing a position did. */
    sealed interface Advanced {
        /** The user is not a member (or the chat does not exist). */
        record NotMember() implements Advanced {
        }

        /** {@code seq} was never given out in the chat. */
        record UnknownMessage(long seq) implements Advanced {
        }

        /** The messages newly covered, sender by sequence number, in the order given. */
        record Covered(Map<Long, String> senderBySeq) implements Advanced {
        }

        /** The user's rate limit refused the receipt; nothing changed. */
        record RateLimited(long retryAfterMs) implements Advanced {
        }
    }

    /**
     * Moves {@code userId}'s {@code kind} position in {@code chatId} to cover {@code seqs}, if
     * {@code check} allows it (one script).
     */
    Advanced advance(ReceiptKind kind, String chatId, String userId, List<Long> seqs, RateCheck check) {
        List<String> args = new ArrayList<>(1 + seqs.size());
        args.add(userId);
        seqs.forEach(seq -> args.add(Long.toString(seq)));
        Object reply = ADVANCE.run(redis, check.keys(redis, List.of(MessagingKeys.members(chatId), MessagingKeys.seq(chatId),
                MessagingKeys.log(chatId), positions(kind, chatId))), check.args(args));
        if (reply instanceof Long code && code == -1) {
            return new Advanced.NotMember();
        }
        List<?> list = (List<?>) reply;
        if (list.size() == 2 && list.get(0) instanceof Long first && first == -2) {
            return new Advanced.UnknownMessage((Long) list.get(1));
        }
        if (list.size() == 2 && list.get(0) instanceof Long first && first == -3) {
            return new Advanced.RateLimited((Long) list.get(1));
        }
        Map<Long, String> covered = new LinkedHashMap<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            Object sender = list.get(i + 1);
            covered.put((Long) list.get(i), sender instanceof byte[] bytes
                    ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(sender));
        }
        return new Advanced.Covered(covered);
    }

    private static String positions(ReceiptKind kind, String chatId) {
        return kind == ReceiptKind.READ ? MessagingKeys.read(chatId) : MessagingKeys.delivered(chatId);
    }

    /** {@code userId}'s position, 0 when none. */
    long position(ReceiptKind kind, String chatId, String userId) {
        String value = redis.hget(positions(kind, chatId), userId);
        return value == null ? 0 : Long.parseLong(value);
    }
}
