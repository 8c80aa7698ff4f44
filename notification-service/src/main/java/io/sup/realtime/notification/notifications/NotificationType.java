package io.sup.realtime.notification.notifications;

import java.util.Arrays;
import java.util.Optional;

/** What a notification is about; {@link #wireName()} is its name in the API. */
public enum NotificationType {
    /** A message that mentions the user. */
    MENTION("mention", Priority.NORMAL),
    /** A reply to the user's message. */
    REPLY("reply", Priority.NORMAL),
    /** A call: missed, or incoming (to wake a device). */
    CALL("call", Priority.HIGH),
    /** A change of a chat that concerns the user, such as being added to it. */
    CHAT("chat", Priority.NORMAL),
    /** A message to the user while none of its devices was connected. */
    MESSAGE("message", Priority.NORMAL);

    private final String wireName;
    private final Priority defaultPriority;

    NotificationType(String wireName, Priority defaultPriority) {
        this.wireName = wireName;
        this.defaultPriority = defaultPriority;
    }

    /** The name in the API, e.g. {@code mention}. */
    public String wireName() {
        return wireName;
    }

    /** The priority a notification of this type gets when its source names none. */
    public Priority defaultPriority() {
        return defaultPriority;
    }

    /** The type named {@code name}, if any. */
    public static Optional<NotificationType> named(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
