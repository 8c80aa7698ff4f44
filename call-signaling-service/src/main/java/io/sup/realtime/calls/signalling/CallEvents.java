package io.sup.realtime.calls.signalling;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.calls.ice.IceServer;

/** Where the call service's server -> client events go (the delivery bus, in production). */
public interface CallEvents {
    /**
     * {@code call:incoming} to every device of the callee.
     *
     * @return the number of gateway instances it reached: 0 when the callee has no connection
     */
    int incoming(Call call, SessionDescription offer, List<IceServer> calleeIceServers);

    /** {@code call:incoming} to one connection of the callee (one that connected while it rings). */
    void incomingTo(String connectionId, Call call, SessionDescription offer, List<IceServer> calleeIceServers);

    /** {@code call:answer} to the caller's connection in the call. */
    void answered(Call call, SessionDescription answer);

    /** {@code call:reject} to the caller's connection in the call. */
    void rejected(Call call, String reason);

    /** {@code call:end} to every device of {@code userIds} but {@code except}. */
    void ended(Call call, EndReason reason, Collection<String> userIds, Optional<String> except);

    /** {@code call:ice-candidate} to one connection. */
    void candidateToConnection(Call call, String connectionId, String fromUserId, IceCandidate candidate);

    /** {@code call:ice-candidate} to every device of {@code userId} (the ringing devices). */
    void candidateToUser(Call call, String userId, String fromUserId, IceCandidate candidate);
}
