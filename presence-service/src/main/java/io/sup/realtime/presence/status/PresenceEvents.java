package io.sup.realtime.presence.status;

import java.util.Collection;

/** Where presence changes go: the subscribers' connections (the delivery bus in production). */
public interface PresenceEvents {
    /**
     * {@code presence} is what others see of its user now; tell these connections
     * ({@code <instance>.<n>}), which are allowed to see it.
     */
    void changed(Presence presence, Collection<String> connectionIds);
}
