package io.sup.realtime.tools;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    /** Client event that sets the user's presence; also the server event that reports a watched user's. */
    public static final String PRESENCE_UPDATE = "presence:update";
    /** Client event that subscribes the connection to users' presence. */
    public static final String PRESENCE_SUBSCRIBE = "presence:subscribe";
    /** Client event that ends presence subscriptions. */
    public static final String PRESENCE_UNSUBSCRIBE = "presence:unsubscribe";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** RFC 3339, which also allows lower-case {@code t} and {@code z}. */
    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive().append(DateTimeFormatter.ISO_OFFSET_DATE_TIME).toFormatter();
    private static final DateTimeFormatter LAST_SEEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'");

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

    /**
     * {@code presence:update}: {@code {"event":"presence:update","id":N,"data":{"status":...,"customStatus":...}}}.
     *
     * @param customStatus null to leave the custom status unchanged (no {@code customStatus}),
     *                     empty to clear it
     */
    public static String presenceUpdate(long ackId, String status, String customStatus) {
        ObjectNode data = JSON.createObjectNode();
        data.put("status", status);
        if (customStatus != null) {
            data.put("customStatus", customStatus);
        }
        return frame(PRESENCE_UPDATE, ackId, data);
    }

    /** {@code presence:subscribe}: {@code {"event":"presence:subscribe","id":N,"data":{"userIds":[...]}}}. */
    public static String presenceSubscribe(long ackId, List<String> userIds) {
        return frame(PRESENCE_SUBSCRIBE, ackId, userIds(userIds));
    }

    /** {@code presence:unsubscribe}: {@code {"event":"presence:unsubscribe","id":N,"data":{"userIds":[...]}}}. */
    public static String presenceUnsubscribe(long ackId, List<String> userIds) {
        return frame(PRESENCE_UNSUBSCRIBE, ackId, userIds(userIds));
    }

    private static ObjectNode userIds(List<String> userIds) {
        ObjectNode data = JSON.createObjectNode();
        userIds.forEach(data.putArray("userIds")::add);
        return data;
    }

    /** A fresh optimistic message id (the gateway accepts up to 64 characters). */
    public static String newTempId() {
        return "t-" + UUID.randomUUID();
    }

    /**
     * The lines a received frame prints as, each on one line: {@code << ack N: <data>} for an
     * ack, {@code << <frame>} for anything else, and for a delivered {@code message:new} also
     * {@code [chat] sender: content}, and for a {@code presence:update} also the readable
     * presence ({@link #readablePresence}).
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
        } else if (PRESENCE_UPDATE.equals(root.path("event").asText()) && data.isObject()) {
            lines.add(readablePresence(data));
        }
        return lines;
    }

    /**
     * One user's presence ({@code {userId, status, lastSeen?, customStatus?}}) in words:
     * {@code bob is away — "in a meeting" (last seen 2026-12-01 14:03:12 UTC)}. Last seen is
     * shown in UTC to the second, for every status but online (for which it is simply now);
     * an offline user without it reads {@code carol: never seen}; an empty custom status is
     * none.
     */
    static String readablePresence(JsonNode presence) {
        String user = firstText(presence, "userId", "user_id");
        String status = firstText(presence, "status");
        String custom = firstText(presence, "customStatus", "custom_status");
        String lastSeen = firstText(presence, "lastSeen", "last_seen");
        String who = user == null ? "?" : oneLine(user);
        boolean hasCustom = custom != null && !custom.isEmpty();
        boolean seen = lastSeen != null && !lastSeen.isEmpty();
        if (!seen && !hasCustom && (status == null || "offline".equals(status))) {
            return who + ": never seen";
        }
        return who + " is " + (status == null ? "?" : oneLine(status))
                + (hasCustom ? " — \"" + oneLine(custom) + "\"" : "")
                + (seen && !"online".equals(status) ? " (last seen " + lastSeen(lastSeen) + ")" : "");
    }

    /**
     * The lines a successful {@code presence:subscribe} ack prints as: each presence it
     * carries ({@link #readablePresence}), then {@code not visible: x, y} for the requested
     * users it does not list (the server does not say whether they exist).
     */
    static List<String> readableSubscription(List<String> requested, JsonNode ack) {
        List<String> lines = new ArrayList<>();
        for (JsonNode presence : ack.path("presences")) {
            if (presence.isObject()) {
                lines.add(readablePresence(presence));
            }
        }
        // Canonical proto3 JSON leaves an empty list out: no userIds means none is visible.
        Set<String> shown = new HashSet<>();
        ack.path("userIds").forEach(id -> shown.add(id.asText()));
        List<String> hidden = requested.stream().filter(id -> !shown.contains(id)).toList();
        if (!hidden.isEmpty()) {
            lines.add("not visible: " + String.join(", ", hidden));
        }
        return lines;
    }

    /** {@code <what> (<code>): <message>} for a failed ack's {@code {success:false, error:{code, message}}}. */
    static String refusal(String what, JsonNode ack) {
        JsonNode error = ack.path("error");
        String message = error.path("message").asText("");
        return what + " (" + error.path("code").asText("?") + ")" + (message.isEmpty() ? "" : ": " + oneLine(message));
    }

    /** An RFC 3339 time as {@code 2026-12-01 14:03:12 UTC}; anything else as it came. */
    private static String lastSeen(String rfc3339) {
        try {
            return OffsetDateTime.parse(rfc3339, RFC_3339).withOffsetSameInstant(ZoneOffset.UTC).format(LAST_SEEN);
        } catch (DateTimeParseException e) {
            return oneLine(rfc3339);
        }
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
