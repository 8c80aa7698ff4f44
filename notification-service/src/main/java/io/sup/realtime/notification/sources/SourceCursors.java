package io.sup.realtime.notification.sources;

import io.sup.realtime.notification.NotificationKeys;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where each source was read up to ({@link NotificationKeys#cursor}): one string per source,
 * never expiring. Creation is idempotent per source record, so a cursor that lags (a crash
 * after creating, before saving; two instances reading the same page) only repeats work.
 */
public final class SourceCursors {
    private final UnifiedJedis redis;

    /** @param redis notification-service's Redis */
    public SourceCursors(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** The last record read of {@code source}, empty when none yet. */
    public String get(String source) {
        String cursor = redis.get(NotificationKeys.cursor(source));
        return cursor == null ? "" : cursor;
    }

    /** Records that {@code source} has been read up to {@code recordId}. */
    public void set(String source, String recordId) {
        redis.set(NotificationKeys.cursor(source), recordId);
    }
}
