package io.sup.realtime.messaging.messages;

import java.util.Collection;
import java.util.List;

import io.sup.realtime.platform.redis.PipelinedReads;

/**
 * Where the messaging domain announces what happened, for delivery to users' connections.
 * Implemented over the delivery bus; the domain never sees the transport (the reads of
 * {@link #lookUpAhead} are opaque to it: it carries them through the append to
 * {@link #messageStored}, as it carries a rate check into a store).
 */
public interface MessageEvents {
    /**
     * The delivery's reads for the next message of {@code chatId} (its route look-up), to be
     * sent in the append's round trip, after the script, so that they see the routes as they
     * are once the message is stored: the delivery then needs one round trip, the publish,
     * instead of two. {@link PipelinedReads#NONE} when the delivery has nothing to read ahead.
     */
    default PipelinedReads lookUpAhead(String chatId) {
        return PipelinedReads.NONE;
    }

    /**
     * A new message was stored: deliver it to {@code recipientIds}' connections, except the
     * connection that sent it (which gets the ack).
     *
     * @param ahead what {@link #lookUpAhead} returned for the message's chat, after the append
     *     (or {@link PipelinedReads#NONE}): the routes it found are used, the others looked up
     * @return the recipients that had no live connection (they did not get it live), found by
     *     the delivery's route lookup
     */
    List<String> messageStored(StoredMessage message, Collection<String> recipientIds, String senderConnectionId,
                               PipelinedReads ahead);
}
