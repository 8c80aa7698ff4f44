package io.sup.realtime.messaging.delivery;

import java.util.Collection;
import java.util.List;

import io.sup.realtime.messaging.reactions.ReactionEvents;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.messaging.v1.ReactionEvent;

/** {@link ReactionEvents} over the delivery bus: {@code reaction:new} / {@code reaction:remove} to the chat's members. */
public final class BusReactionEvents implements ReactionEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusReactionEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public void changed(String chatId, String messageId, String emoji, String userId, boolean added,
                        Collection<String> memberIds) {
        bus.toUsers(memberIds, added ? ServerEvent.REACTION_NEW : ServerEvent.REACTION_REMOVE,
                ReactionEvent.newBuilder().setChatId(chatId).setMessageId(messageId).setEmoji(emoji).setUserId(userId)
                        .build(), List.of());
    }
}
