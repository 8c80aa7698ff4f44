package io.sup.realtime.platform.bus;

import java.util.List;

/**
 * What {@link DeliveryBus#toUsers} did, read off the route lookup it makes anyway (no extra
 * Redis round trip).
 *
 * @param instances      the number of gateway instances published to
 * @param offlineUserIds the recipients with no live gateway instance (no connection anywhere,
 *                       or only on instances that stopped refreshing their routes), each once,
 *                       in the order given: they did not get the event
 */
public record UserDelivery(int instances, List<String> offlineUserIds) {
    /** Defensive copy: the lists are handed to other components. */
    public UserDelivery {
        offlineUserIds = List.copyOf(offlineUserIds);
    }

    /** Nobody to deliver to. */
    static final UserDelivery NONE = new UserDelivery(0, List.of());
}
