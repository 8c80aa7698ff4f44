package io.sup.realtime.messaging.typing;

/**
 * Someone typing in a chat, from one connection.
 *
 * @param chatId       the chat
 * @param userId       the typing user
 * @param connectionId the connection it types on (excluded from its own typing events)
 */
public record Typist(String chatId, String userId, String connectionId) {
    /** The stored form, {@code <chatId>|<userId>|<connectionId>} ('|' is in no id). */
    String encode() {
        return chatId + "|" + userId + "|" + connectionId;
    }

    /** The typist a stored entry names, or null for a malformed one. */
    static Typist decode(String entry) {
        String[] parts = entry.split("\\|", -1);
        return parts.length == 3 ? new Typist(parts[0], parts[1], parts[2]) : null;
    }
}
