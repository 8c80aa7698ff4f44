package io.sup.realtime.notification;

/**
 * Every Redis key of notification-service (keyspace {@code notif:}), built in one place. A
 * user's keys share the hash tag {@code {<user>}}, so the scripts that touch several of them
 * run on one Redis Cluster slot. What bounds each key is written at its store.
 */
public final class NotificationKeys {
    private NotificationKeys() {
    }

    /** Sorted set: the user's notification ids, score the order (creation time in microseconds, made unique). */
    public static String items(String userId) {
        return "notif:{" + userId + "}:items";
    }

    /** Hash: notification id -> the notification (protobuf bytes). */
    public static String data(String userId) {
        return "notif:{" + userId + "}:data";
    }

    /** Set: ids of the unread notifications that count for the badge. */
    public static String badge(String userId) {
        return "notif:{" + userId + "}:badge";
    }

    /** Set: ids of unread notifications. */
    public static String unread(String userId) {
        return "notif:{" + userId + "}:unread";
    }

    /** String: the badge's version, raised by every change of the badge (see {@code lua/notif.lua}). */
    public static String badgeVersion(String userId) {
        return "notif:{" + userId + "}:badge-version";
    }

    /** Sorted set: ids removed (cleared or past a bound) -> when, so repeats stay idempotent. */
    public static String removed(String userId) {
        return "notif:{" + userId + "}:removed";
    }

    /** Hash: id -> how many events it stands for, when more than one (collapsed). */
    public static String counts(String userId) {
        return "notif:{" + userId + "}:counts";
    }

    /** Hash: source key -> notification id, for idempotent creation. */
    public static String sources(String userId) {
        return "notif:{" + userId + "}:sources";
    }

    /** Sorted set: source key -> when it made its notification (ms), to bound {@link #sources}. */
    public static String sourceTimes(String userId) {
        return "notif:{" + userId + "}:source-times";
    }

    /** Hash: chat id -> the unread {@code message} notification that collapses that chat's messages. */
    public static String collapsed(String userId) {
        return "notif:{" + userId + "}:collapsed";
    }

    /** Hash: preferences (field {@code mute:<chat>} -> until ms or 0; {@code dnd} -> the window). */
    public static String preferences(String userId) {
        return "notif:{" + userId + "}:prefs";
    }

    /** Hash: device id -> push registration (provider, token). */
    public static String devices(String userId) {
        return "notif:{" + userId + "}:devices";
    }

    /** Hash: collapse key -> the burst waiting for its push (count, latest notification). */
    public static String pushPending(String userId) {
        return "notif:{" + userId + "}:push";
    }

    /** Sorted set: {@code <user>|<collapse key>} -> when its push is due (ms). One key: one sweep finds every due push. */
    public static String pushDue() {
        return "notif:push:due";
    }

    /** Stream: pushes given up on after their last attempt (capped). */
    public static String deadLetters() {
        return "notif:push:dead";
    }

    /** String: the last outbox record of a source service read (e.g. {@code messaging}, {@code calls}). */
    public static String cursor(String source) {
        return "notif:cursor:" + source;
    }

    /** Sorted set: the sliding-window rate log of a user's notification events (platform's RateLimiter). */
    public static String rateLimit(String userId, String bucket) {
        return "notif:rl:{" + userId + "}:" + bucket;
    }
}
