package io.sup.realtime.presence.grpc;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.time.Timestamps;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.Presence;

/** Domain <-> proto for the presence APIs. No rules here beyond the shape of a caller. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    /**
     * The connection a gateway-set caller names.
     *
     * @throws ServiceException INVALID_ARGUMENT when the caller is missing or malformed (a
     *     gateway bug, or a caller that is not the gateway)
     */
    static ConnectionRef connection(Caller caller) {
        if (!Ids.isValid(caller.getUserId()) || caller.getConnectionId().isEmpty()) {
            throw ServiceException.invalidArgument("caller must carry user and connection ids");
        }
        return new ConnectionRef(caller.getUserId(), caller.getConnectionId());
    }

    /** The proto form of a presence, as answered and as delivered in {@code presence:update}. */
    public static Presence presence(io.sup.realtime.presence.status.Presence p) {
        Presence.Builder b = Presence.newBuilder().setUserId(p.userId()).setStatus(p.status().wireName());
        p.lastSeen().ifPresent(t -> b.setLastSeen(Timestamps.rfc3339(t)));
        p.customStatus().ifPresent(b::setCustomStatus);
        return b.build();
    }
}
