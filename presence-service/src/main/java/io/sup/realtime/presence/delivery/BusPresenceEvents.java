package io.sup.realtime.presence.delivery;

import java.util.Collection;

import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.presence.grpc.ProtoMapping;
import io.sup.realtime.presence.status.Presence;
import io.sup.realtime.presence.status.PresenceEvents;

/**
 * {@link PresenceEvents} over the delivery bus: {@code presence:update} to the subscriber
 * connections, one frame per gateway instance holding some of them.
 */
public final class BusPresenceEvents implements PresenceEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusPresenceEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public void changed(Presence presence, Collection<String> connectionIds) {
        bus.toConnections(connectionIds, ServerEvent.PRESENCE_UPDATE, ProtoMapping.presence(presence));
    }
}
