package io.sup.realtime.messaging.typing;

import java.util.List;
import java.util.Objects;

import io.sup.realtime.messaging.MessagingKeys;
import redis.clients.jedis.UnifiedJedis;

/**
 * Typing state in Redis ({@code msg:typing}, see {@link MessagingKeys#typing()}). Nothing is
 * stored beyond the expiry: an entry lives until its typist stops, disconnects, or stops
 * refreshing.
 */
public final class TypingStore {
    private final UnifiedJedis redis;

    /** @param redis the messaging service's Redis */
    public TypingStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Records (or refreshes) a typist until {@code expiresAtMs}; true when it was not typing before. */
    boolean start(Typist typist, long expiresAtMs) {
        // ZADD answers how many members are new: 0 for a refresh, which only moves the expiry.
        return redis.zadd(MessagingKeys.typing(), expiresAtMs, typist.encode()) == 1;
    }

    /** Removes a typist; true when it was typing (so exactly one remover announces the stop). */
    boolean stop(Typist typist) {
        return redis.zrem(MessagingKeys.typing(), typist.encode()) == 1;
    }

    /** Typists whose entries expired by {@code nowMs}, at most {@code limit}. */
    List<Typist> expired(long nowMs, int limit) {
        return redis.zrangeByScore(MessagingKeys.typing(), Double.NEGATIVE_INFINITY, nowMs, 0, limit).stream()
                .map(Typist::decode).filter(Objects::nonNull).toList();
    }

    /** Every current typist on {@code connectionId}. */
    List<Typist> ofConnection(String connectionId) {
        return redis.zrange(MessagingKeys.typing(), 0, -1).stream()
                .map(Typist::decode).filter(Objects::nonNull)
                .filter(t -> t.connectionId().equals(connectionId)).toList();
    }
}
