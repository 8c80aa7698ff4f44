package io.sup.realtime.presence.grpc;

import io.sup.realtime.platform.time.Timestamps;
import io.sup.realtime.proto.presence.v1.Presence;

/** Domain <-> proto for the presence APIs. No rules here (a caller is read by platform's {@code ConnectionRef.of}). */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    /** The proto form of a presence, as answered and as delivered in {@code presence:update}. */
    public static Presence presence(io.sup.realtime.presence.status.Presence p) {
        Presence.Builder b = Presence.newBuilder().setUserId(p.userId()).setStatus(p.status().wireName());
        p.lastSeen().ifPresent(t -> b.setLastSeen(Timestamps.rfc3339(t)));
        p.customStatus().ifPresent(b::setCustomStatus);
        return b.build();
    }
}
