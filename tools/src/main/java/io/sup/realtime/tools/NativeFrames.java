package io.sup.realtime.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The gateway's native protocol at {@code /ws}, client side, as pure functions: frames to
 * send and the lines a received frame prints as.
 *
 * <ul>
 *   <li>client -> server: {@code {"event": "message:new", "id": 7, "data": {...}}}, where
 *       {@code id} asks for an ack;</li>
 *   <li>server -> client: events {@code {"event": "...", "data": ...}} and acks
 *       {@code {"ack": 7, "data": {"success": true, ...}}}.</li>
 * </ul>
 */
public final class NativeFrames {
    /** Client event that joins a chat's room. */
    public static final String CHAT_JOIN = "chat:join";
    /** Client event that sends a message; also the server event that delivers one. */
    public static final String MESSAGE_NEW = "message:new";

    private static final ObjectMapper JSON = new ObjectMapper();

    private NativeFrames() {
    }

    /**
     * A client event frame asking for ack {@code ackId}.
     *
     * @param dataJson the event's data: a JSON object
     * @throws IllegalArgumentException when {@code event} is blank or {@code dataJson} is not a JSON object
     */
    public static String event(String event, long ackId, String dataJson) {
        if (event == null || event.isBlank()) {
            throw new IllegalArgumentException("the event name is empty");
        }
        JsonNode data;
        try {
            data = JSON.readTree(dataJson == null || dataJson.isBlank() ? "{}" : dataJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data is not valid JSON: " + e.getOriginalMessage());
        }
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("data must be a JSON object, such as {\"chatId\":\"c1\"}");
        }
        return frame(event, ackId, (ObjectNode) data);
    }

    /** {@code chat:join} for {@code chatId}: {@code {"event":"chat:join","id":N,"data":{"chatId":...}}}. */
    public static String join(long ackId, String chatId) {
        ObjectNode data = JSON.createObjectNode();
        data.put("chatId", chatId);
        return frame(CHAT_JOIN, ackId, data);
    }

    /**
     * {@code message:new} with a text message:
     * {@code {"event":"message:new","id":N,"data":{"chatId":...,"content":...,"type":"text","tempId":...}}}.
     */
    public static String messageNew(long ackId, String chatId, String content, String tempId) {
        ObjectNode data = JSON.createObjectNode();
        data.put("chatId", chatId);
        data.put("content", content);
        data.put("type", "text");
        data.put("tempId", tempId);
        return frame(MESSAGE_NEW, ackId, data);
    }

    /** A fresh optimistic message id (the gateway accepts up to 64 characters). */
    public static String newTempId() {
        return "t-" + UUID.randomUUID();
    }

    /**
     * The lines a received frame prints as, each on one line: {@code << ack N: <data>} for an
     * ack, {@code << <frame>} for anything else, and for a delivered {@code message:new} also
     * {@code [chat] sender: content}.
     */
    public static List<String> describe(String frame) {
        JsonNode root;
        try {
            root = JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            root = null;
        }
        List<String> lines = new ArrayList<>(2);
        if (root == null || !root.isObject()) {
            lines.add("<< " + oneLine(frame));
            return lines;
        }
        JsonNode ack = root.get("ack");
        if (ack != null && ack.isIntegralNumber()) {
            JsonNode data = root.get("data");
            lines.add("<< ack " + ack.asLong() + ": " + (data == null ? "{}" : data.toString()));
            return lines;
        }
        lines.add("<< " + root);
        JsonNode data = root.path("data");
        if (MESSAGE_NEW.equals(root.path("event").asText()) && data.isObject()) {
            lines.add(readableMessage(data));
        }
        return lines;
    }

    /** {@code [chat] sender: content} for a delivered message (sup.messaging.v1.Message in proto3 JSON). */
    static String readableMessage(JsonNode message) {
        String chat = firstText(message, "chatId", "chat_id");
        String sender = firstText(message, "senderId", "sender_id", "userId");
        String type = message.path("type").asText("");
        String content = firstText(message, "content");
        String kind = type.isEmpty() || "text".equals(type) ? "" : " (" + type + ")";
        return "[" + (chat == null ? "?" : chat) + "] " + (sender == null ? "?" : sender) + kind + ": "
                + (content == null ? "" : oneLine(content));
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && value.isValueNode() && !value.isNull()) {
                return value.asText();
            }
        }
        return null;
    }

    /** Line breaks shown as {@code \n} so one frame stays one line. */
    static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static String frame(String event, long ackId, ObjectNode data) {
        ObjectNode root = JSON.createObjectNode();
        root.put("event", event);
        root.put("id", ackId);
        root.set("data", data);
        return root.toString();
    }
}
