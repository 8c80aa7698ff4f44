package io.sup.realtime.calls.signalling;

import java.util.Optional;

/** Why a call ended. Wire names are the lower-case names ({@code answered_elsewhere}, ...). */
public enum EndReason {
    /** To the callee's other devices: one device answered. (Not a reason the call itself ends with.) */
    ANSWERED_ELSEWHERE,
    /** The callee declined it while it rang. */
    REJECTED,
    /** The caller hung up while it rang: a missed call. */
    CANCELLED,
    /** Either party hung up an answered call. */
    HANGUP,
    /** Nobody answered within the ring timeout: a missed call. */
    TIMEOUT,
    /** The callee was in another call: a missed call. */
    BUSY,
    /** The callee had no connection to ring: a missed call. */
    UNAVAILABLE,
    /** A participant's connection closed, or its gateway stopped reporting it (a crash). */
    CONNECTION_LOST,
    /** The call reached the longest duration allowed. */
    MAX_DURATION;

    /** The wire name. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** The reason a stored name names, if any. */
    static Optional<EndReason> fromWire(String name) {
        try {
            return name == null || name.isEmpty() ? Optional.empty() : Optional.of(valueOf(name.toUpperCase()));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
