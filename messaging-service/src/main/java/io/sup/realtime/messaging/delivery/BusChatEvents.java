package io.sup.realtime.messaging.delivery;

import java.util.Collection;
import java.util.List;

import io.sup.realtime.messaging.chats.Chat;
import io.sup.realtime.messaging.chats.ChatEvents;
import io.sup.realtime.messaging.grpc.ProtoMapping;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.messaging.v1.MembershipEvent;

/** {@link ChatEvents} over the delivery bus: {@code chat:updated}, {@code chat:member-joined}, {@code chat:member-left}. */
public final class BusChatEvents implements ChatEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusChatEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public void chatUpdated(Chat chat) {
        bus.toUsers(chat.memberIds(), ServerEvent.CHAT_UPDATED, ProtoMapping.chat(chat), List.of());
    }

    @Override
    public void memberJoined(String chatId, String userId, Collection<String> recipientIds) {
        bus.toUsers(recipientIds, ServerEvent.CHAT_MEMBER_JOINED, membership(chatId, userId), List.of());
    }

    @Override
    public void memberLeft(String chatId, String userId, Collection<String> recipientIds) {
        bus.toUsers(recipientIds, ServerEvent.CHAT_MEMBER_LEFT, membership(chatId, userId), List.of());
    }

    private static MembershipEvent membership(String chatId, String userId) {
        return MembershipEvent.newBuilder().setChatId(chatId).setUserId(userId).build();
    }
}
