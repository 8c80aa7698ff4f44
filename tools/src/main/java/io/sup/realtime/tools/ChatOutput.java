package io.sup.realtime.tools;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sup.realtime.proto.messaging.v1.Chat;

/**
 * How {@code sup chat} prints results: readable text, or one line of JSON using the proto3
 * JSON field names ({@code memberIds}, {@code createdAt} as RFC 3339), which is what the
 * gateway's clients see too.
 */
public final class ChatOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatOutput() {
    }

    /**
     * A chat as text:
     * <pre>
     * chat c1
     *   title:   Team
     *   members: alice, bob (2)
     *   created: 2025-03-04T05:06:07.890Z
     * </pre>
     */
    public static String text(Chat chat) {
        StringBuilder out = new StringBuilder("chat ").append(chat.getId());
        out.append("\n  title:   ").append(chat.getTitle().isEmpty() ? "(none)" : chat.getTitle());
        out.append("\n  members: ").append(chat.getMemberIdsCount() == 0 ? "(none)" : String.join(", ", chat.getMemberIdsList()))
                .append(" (").append(chat.getMemberIdsCount()).append(')');
        Instant created = createdAt(chat);
        if (created != null) {
            out.append("\n  created: ").append(created);
        }
        return out.toString();
    }

    /** A chat as compact JSON. */
    public static String json(Chat chat) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", chat.getId());
        node.put("title", chat.getTitle());
        ArrayNode members = node.putArray("memberIds");
        chat.getMemberIdsList().forEach(members::add);
        Instant created = createdAt(chat);
        if (created != null) {
            node.put("createdAt", created.toString());
        }
        return node.toString();
    }

    /** A user's chats as text: one id per line (empty when there are none), easy to loop over in a shell. */
    public static String text(List<String> chatIds) {
        return String.join("\n", chatIds);
    }

    /** A user's chats as compact JSON: {@code {"userId": ..., "chatIds": [...]}}. */
    public static String json(String userId, List<String> chatIds) {
        ObjectNode node = JSON.createObjectNode();
        node.put("userId", userId);
        ArrayNode ids = node.putArray("chatIds");
        chatIds.forEach(ids::add);
        return node.toString();
    }

    private static Instant createdAt(Chat chat) {
        return chat.getCreatedAt().isEmpty() ? null : Instant.parse(chat.getCreatedAt());
    }
}
