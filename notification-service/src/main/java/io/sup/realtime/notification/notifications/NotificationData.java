package io.sup.realtime.notification.notifications;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a notification points at; empty strings for what it does not.
 *
 * @param chatId    the chat (mentions, replies, messages, chat changes)
 * @param messageId the message, within {@code chatId}
 * @param callId    the call
 * @param actorId   who caused it: the sender, the caller, who changed the chat
 * @param callKind  for calls: {@code missed} or {@code incoming}
 * @param extra     a backend's own fields (bounded by {@link NotificationService})
 */
public record NotificationData(String chatId, String messageId, String callId, String actorId, String callKind,
                               Map<String, String> extra) {
    /** Nothing. */
    public static final NotificationData NONE = new NotificationData("", "", "", "", "", Map.of());

    public NotificationData {
        extra = Map.copyOf(extra);
    }

    /** The fields that are set, as one flat map (for push payloads): chatId, messageId, callId, actorId, callKind, then extra. */
    public Map<String, String> flattened() {
        Map<String, String> flat = new LinkedHashMap<>();
        putIfSet(flat, "chatId", chatId);
        putIfSet(flat, "messageId", messageId);
        putIfSet(flat, "callId", callId);
        putIfSet(flat, "actorId", actorId);
        putIfSet(flat, "callKind", callKind);
        extra.forEach(flat::putIfAbsent);
        return flat;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (!value.isEmpty()) {
            map.put(key, value);
        }
    }
}
