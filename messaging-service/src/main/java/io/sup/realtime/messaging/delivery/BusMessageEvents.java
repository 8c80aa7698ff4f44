package io.sup.realtime.messaging.delivery;

import java.util.Collection;
import java.util.List;

import io.sup.realtime.messaging.grpc.ProtoMapping;
import io.sup.realtime.messaging.messages.MessageEvents;
import io.sup.realtime.messaging.messages.StoredMessage;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;

/** {@link MessageEvents} over the delivery bus: server -> client events of the messaging domain. */
public final class BusMessageEvents implements MessageEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusMessageEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public List<String> messageStored(StoredMessage message, Collection<String> recipientIds,
                                      String senderConnectionId) {
        return bus.toUsers(recipientIds, ServerEvent.MESSAGE_NEW, ProtoMapping.message(message),
                List.of(senderConnectionId)).offlineUserIds();
    }
}
