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

    /** Set: the chats a user belongs to (on the user's slot). */
    public static String userChats(String userId) {
        return "msg:user:{" + userId + "}:chats";
    }
}
