package io.sup.realtime.messaging.delivery;

import java.util.Collection;
import java.util.List;

import io.sup.realtime.messaging.grpc.ProtoMapping;
import io.sup.realtime.messaging.messages.MessageEvents;
import io.sup.realtime.messaging.messages.StoredMessage;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RouteLookup;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.redis.PipelinedReads;

/**
 * {@link MessageEvents} over the delivery bus: server -> client events of the messaging domain.
 * A message's recipients' routes are looked up ahead, in the append's round trip, for the
 * members its chat had at its last message here ({@link RecentMembers}), where the bus can
 * read ahead ({@link DeliveryBus#readsAhead()}: not on a cluster).
 */
public final class BusMessageEvents implements MessageEvents {
    /**
     * Member ids remembered, all chats together: 5,000 chats of 10, about 3 MB of heap with
     * 20-character ids (15 MB at the longest ids, 128 characters).
     */
    static final int REMEMBERED_IDS = 50_000;
    /** Largest chat whose members are remembered (and whose routes are read ahead). */
    static final int REMEMBERED_MEMBERS = 32;

    private final DeliveryBus bus;
    private final RecentMembers recentMembers = new RecentMembers(REMEMBERED_IDS, REMEMBERED_MEMBERS);

    /** @param bus the delivery bus */
    public BusMessageEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public PipelinedReads lookUpAhead(String chatId) {
        return bus.lookUpAhead(recentMembers.of(chatId)); // NONE where the bus cannot read ahead
    }

    @Override
    public List<String> messageStored(StoredMessage message, Collection<String> recipientIds,
                                      String senderConnectionId, PipelinedReads ahead) {
        if (bus.readsAhead()) {
            recentMembers.saw(message.chatId(), recipientIds);
        }
        return bus.toUsers(recipientIds, ServerEvent.MESSAGE_NEW, ProtoMapping.message(message),
                List.of(senderConnectionId), ahead instanceof RouteLookup lookup ? lookup : RouteLookup.NONE)
                .offlineUserIds();
    }
}
