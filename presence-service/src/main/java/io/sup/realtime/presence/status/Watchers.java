package io.sup.realtime.presence.status;

import java.util.List;

/** Who is to hear of a user's presence changes, and the release of a connection's subscriptions. */
public interface Watchers {
    /** The live subscriber connections allowed to see {@code userId}'s presence. */
    List<String> allowedToSee(String userId);

    /** Ends every subscription of the connection ({@code userId}'s {@code connectionId}). */
    void release(String userId, String connectionId);
}
