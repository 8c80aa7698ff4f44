package io.sup.realtime.notification.push;

import java.time.Instant;
import java.util.Map;

/**
 * One push to one device: the latest notification of a burst, and how many the burst holds.
 *
 * @param pushId         unique per push (the same across its retries), for receivers to drop repeats
 * @param device         where it goes
 * @param notificationId the latest notification of the burst
 * @param type           mention, reply, call, chat, message
 * @param priority       normal or high (low ones are never pushed)
 * @param title          the notification's title
 * @param body           its body
 * @param sound          a sound name, empty for none
 * @param badge          the user's badge count now
 * @param count          how many notifications the burst collapsed (1: none)
 * @param collapseKey    what the burst collapsed on, e.g. {@code chat:c1}; receivers may use it
 *                       as FCM's {@code collapse_key} / APNs' {@code apns-collapse-id}
 * @param data           the notification's data (chatId, messageId, callId, ...), string values
 * @param createdAt      when the latest notification was created
 */
public record PushMessage(String pushId, PushDevice device, String notificationId, String type, String priority,
                          String title, String body, String sound, int badge, int count, String collapseKey,
                          Map<String, String> data, Instant createdAt) {
}
