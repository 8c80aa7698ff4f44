package io.sup.realtime.notification.notifications;

import java.util.Optional;

/**
 * A notification a source asks for, before it is stored.
 *
 * @param type     what it is about
 * @param priority how urgent; empty: the type's default
 * @param title    at most {@value NotificationService#MAX_TITLE} characters
 * @param body     at most {@value NotificationService#MAX_BODY} characters
 * @param sound    a sound name (at most 64 of A-Z a-z 0-9 _ . -), empty for none
 * @param data     what it points at
 */
public record Draft(NotificationType type, Optional<Priority> priority, String title, String body, String sound,
                    NotificationData data) {
}
