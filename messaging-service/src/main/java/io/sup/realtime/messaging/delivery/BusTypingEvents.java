package io.sup.realtime.messaging.delivery;

import java.util.List;

import io.sup.realtime.messaging.typing.Typist;
import io.sup.realtime.messaging.typing.TypingEvents;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.Rooms;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.messaging.v1.TypingEvent;

/**
 * {@link TypingEvents} over the delivery bus, to the chat's room (connections that joined
 * the chat, i.e. are viewing it), never to the typist's own connection.
 */
public final class BusTypingEvents implements TypingEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusTypingEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public void started(Typist typist) {
        publish(ServerEvent.MESSAGE_TYPING, typist);
    }

    @Override
    public void stopped(Typist typist) {
        publish(ServerEvent.MESSAGE_STOP_TYPING, typist);
    }

    private void publish(ServerEvent event, Typist typist) {
        bus.toRoom(Rooms.chat(typist.chatId()), event,
                TypingEvent.newBuilder().setChatId(typist.chatId()).setUserId(typist.userId()).build(),
                List.of(typist.connectionId()));
    }
}
