package io.sup.realtime.calls.signalling;

/** Where a call is: {@code ringing -> active -> ended}, or {@code ringing -> ended}. */
public enum CallState {
    /** Rung on the callee's devices, not answered yet. */
    RINGING,
    /** Answered by one of the callee's devices. */
    ACTIVE,
    /** Over; see its {@link EndReason}. */
    ENDED;

    /** The wire name: {@code ringing}, {@code active}, {@code ended}. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** The state a stored name names. */
    static CallState fromWire(String name) {
        return valueOf(name.toUpperCase());
    }
}
