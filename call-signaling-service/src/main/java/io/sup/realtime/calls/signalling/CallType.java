package io.sup.realtime.calls.signalling;

import java.util.Optional;

/** What a call carries: {@code audio} or {@code video}. */
public enum CallType {
    AUDIO, VIDEO;

    /** The wire name: {@code audio}, {@code video}. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** The type a wire name names, if any. */
    public static Optional<CallType> fromWire(String name) {
        for (CallType t : values()) {
            if (t.wireName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
