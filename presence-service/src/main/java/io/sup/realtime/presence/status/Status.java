package io.sup.realtime.presence.status;

import java.util.Arrays;
import java.util.Optional;

/** What others see of a user, and what a user may set: the original service's four states. */
public enum Status {
    /** Connected and available (the default while connected). */
    ONLINE,
    /** Connected, away from the keyboard (set by the user). */
    AWAY,
    /** Connected, do not disturb (set by the user). */
    BUSY,
    /** No live connection; or, when set by the user, appear offline while connected. */
    OFFLINE;

    /** The wire name: {@code online}, {@code away}, {@code busy}, {@code offline}. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** The status named {@code wireName}, if it is one. */
    public static Optional<Status> fromWire(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst();
    }
}
