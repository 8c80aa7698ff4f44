package io.sup.realtime.notification.notifications;

import java.util.Arrays;
import java.util.Optional;

/** How urgent a notification is: {@code low} is never pushed, {@code high} is pushed at once (no collapsing wait). */
public enum Priority {
    LOW("low"), NORMAL("normal"), HIGH("high");

    private final String wireName;

    Priority(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the API, e.g. {@code normal}. */
    public String wireName() {
        return wireName;
    }

    /** The priority named {@code name}, if any. */
    public static Optional<Priority> named(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }
}
