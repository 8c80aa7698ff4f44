package io.sup.realtime.messaging.delivery;

import java.util.List;

import io.sup.realtime.messaging.chats.RoomPresence;
import io.sup.realtime.platform.bus.Rooms;
import io.sup.realtime.platform.bus.RoutingRegistry;

/** {@link RoomPresence} read from the delivery bus's routing registry, which the gateways keep. */
public final class RegistryRoomPresence implements RoomPresence {
    private final RoutingRegistry registry;

    /** @param registry the routing registry */
    public RegistryRoomPresence(RoutingRegistry registry) {
        this.registry = registry;
    }

    @Override
    public List<String> usersViewing(String chatId) {
        return registry.usersIn(Rooms.chat(chatId));
    }
}
