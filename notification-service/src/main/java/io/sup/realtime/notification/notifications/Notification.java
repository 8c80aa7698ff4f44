package io.sup.realtime.notification.notifications;

import java.time.Instant;

/**
 * One notification as a user sees it.
 *
 * @param id        server-assigned, opaque
 * @param type      what it is about
 * @param priority  how urgent
 * @param title     at most {@value NotificationService#MAX_TITLE} characters
 * @param body      at most {@value NotificationService#MAX_BODY} characters
 * @param sound     a sound name, empty for none
 * @param data      what it points at
 * @param createdAt when it was made (for a collapsed one: its latest event)
 * @param read      whether the user read it
 * @param count     how many events it stands for (1, more when collapsed)
 * @param badge     the user's badge count once it was added (when stored), or now (when read back)
 * @param badgeVersion the version of that badge count: a higher one is newer (see {@link NotificationStore})
 */
public record Notification(String id, NotificationType type, Priority priority, String title, String body,
                           String sound, NotificationData data, Instant createdAt, boolean read, int count, int badge,
                           long badgeVersion) {
    /** This one with the state the store keeps beside its content. */
    public Notification withState(String newId, boolean isRead, int newCount, int newBadge, long newBadgeVersion) {
        return new Notification(newId, type, priority, title, body, sound, data, createdAt, isRead, newCount, newBadge,
                newBadgeVersion);
    }

    /** Whether it belongs to a chat (for mute and for collapsing its pushes). */
    public boolean hasChat() {
        return !data.chatId().isEmpty();
    }
}
