package io.sup.realtime.calls.signalling;

import io.sup.realtime.platform.grpc.ServiceException;

/** Who may call whom: presence's visibility rule, asked of presence-service in production. */
public interface CallPermission {
    /**
     * Whether {@code callerId} may call {@code calleeId}: they share a chat, or the callee
     * listed the caller as a contact.
     *
     * @throws ServiceException UNAVAILABLE when that cannot be learnt now
     */
    boolean mayCall(String callerId, String calleeId);
}
