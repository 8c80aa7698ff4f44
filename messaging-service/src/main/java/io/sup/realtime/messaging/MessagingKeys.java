package io.sup.realtime.messaging;

/**
 * Every Redis key of the messaging service (keyspace {@code msg:}), built in one place. A
 * chat's keys share the hash tag {@code {<chat>}}, so the scripts that touch several of them
 * run on one Redis Cluster slot. What bounds each key is written at its store.
 */
public final class MessagingKeys {
    private MessagingKeys() {
    }

    /** Hash: title, createdAt. */
    public static String meta(String chatId) {
        return "msg:{" + chatId + "}:meta";
    }

    /** Set: member user ids. */
    public static String members(String chatId) {
        return "msg:{" + chatId + "}:members";
    }

    /** String: the last sequence number given out. */
    public static String seq(String chatId) {
        return "msg:{" + chatId + "}:seq";
    }

    /** Stream: the chat's message log, entry ids {@code <seq>-0}. */
    public static String log(String chatId) {
        return "msg:{" + chatId + "}:log";
    }

    /**
     * String: the seq a (sender, tempId) pair got. The sender's length keeps pairs apart when
     * ids contain ':' (sender "a:x" + tempId "m" vs sender "a" + tempId "x:m").
     */
    public static String tempId(String chatId, String senderId, String tempId) {
        return "msg:{" + chatId + "}:temp:" + senderId.length() + ":" + senderId + ":" + tempId;
    }

    /** Hash: user id -> delivered position. */
    public static String delivered(String chatId) {
        return "msg:{" + chatId + "}:delivered";
    }

    /**
     * Hash: the reactions on one message, field {@code <emoji>\t<userId>}. Bounded by members
     * times emoji; expires a while after its last reaction (messages leave the log by then).
     */
    public static String reactions(String chatId, long seq) {
        return "msg:{" + chatId + "}:reactions:" + seq;
    }

    /** Hash: user id -> read position. */
    public static String read(String chatId) {
        return "msg:{" + chatId + "}:read";
    }

    /**
     * Sorted set: who is typing where, member {@code <chatId>|<userId>|<connectionId>}, score
     * the expiry (ms since epoch). One key for the whole service so one sweep finds every
     * expiry; bounded: entries leave on stop, disconnect or expiry (seconds).
     */
    public static String typing() {
        return "msg:typing";
    }

    /**
     * Sorted set: the sliding-window log of {@code userId}'s accepted {@code bucket} events
     * (a client event name such as {@code message:new}, or {@code *} for the events that share
     * the ceiling), see platform's {@code RateLimiter}. Bounded: at most the limit's number of
     * entries, and it expires a window after its last one. On the user's slot, not the chat's:
     * on Redis Cluster a script that also touches a chat's keys could not take it (not wired
     * yet, see {@code RateLimiter}).
     */
    public static String rateLimit(String userId, String bucket) {
        return "msg:rl:{" + userId + "}:" + bucket;
    }

    /**
     * Stream: the notification outbox, records of what notification-service is to tell users
     * (messages that mention members, reply to another member or reached members offline;
     * members added), read through {@code ChatAdminService.ListNotificationOutbox}. Bounded:
     * trimmed to about {@code MESSAGING_OUTBOX_MAX_ENTRIES} (default 100,000) records at every
     * write (MAXLEN ~, so up to one stream node over); a record's size is bounded by the
     * member limit (its offline ids) and a 120-code-point preview. One key for the whole
     * service, on its own slot: on Redis Cluster the append script (on the chat's slot)
     * could not write it, so it is written after the message (see {@code OutboxService} for
     * the crash window that leaves).
     */
    public static String outbox() {
        return "msg:outbox";
    }

    /** Set: the chats a user belongs to (on the user's slot). */
    public static String userChats(String userId) {
        return "msg:user:{" + userId + "}:chats";
    }
}
