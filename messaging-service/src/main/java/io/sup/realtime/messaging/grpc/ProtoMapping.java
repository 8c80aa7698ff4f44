package io.sup.realtime.messaging.grpc;

import java.time.Instant;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.chats.Chat;
import io.sup.realtime.messaging.messages.StoredMessage;
import io.sup.realtime.messaging.outbox.OutboxEntry;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.time.Timestamps;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.messaging.messages.Draft;
import io.sup.realtime.proto.messaging.v1.EncryptedContent;
import io.sup.realtime.proto.messaging.v1.ForwardedFrom;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;

/** Domain <-> proto for the messaging APIs. No rules here beyond the shape of a caller. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    /** The domain draft of a {@code message:new} request. */
    static Draft draft(SendMessageRequest r) {
        return new Draft(r.getType(), r.getContent(), r.getTempId(),
                r.hasEncrypted() ? new StoredMessage.Encrypted(r.getEncrypted().getCiphertext(),
                        r.getEncrypted().getMetadataMap()) : null,
                r.getReplyTo(), r.getForwardedFrom().getChatId(), r.getForwardedFrom().getMessageId(),
                r.getMentionsList());
    }

    /** The proto form of a stored message, as acked and as delivered in {@code message:new}. */
    public static Message message(StoredMessage m) {
        Message.Builder b = Message.newBuilder();
        if (m.encrypted() != null) {
            b.setEncrypted(EncryptedContent.newBuilder().setCiphertext(m.encrypted().ciphertext())
                    .putAllMetadata(m.encrypted().metadata()));
        }
        if (m.forwardedFrom() != null) {
            b.setForwardedFrom(ForwardedFrom.newBuilder().setChatId(m.forwardedFrom().chatId())
                    .setMessageId(m.forwardedFrom().messageId()).setSenderId(m.forwardedFrom().senderId()));
        }
        return b.setReplyTo(m.replyTo())
                .setId(m.id())
                .setChatId(m.chatId())
                .setSeq(m.seq())
                .setSenderId(m.senderId())
                .setSenderDeviceId(m.senderDeviceId())
                .setType(m.type())
                .setContent(m.content())
                .setTempId(m.tempId())
                .setCreatedAt(timestamp(m.createdAt()))
                .addAllMentions(m.mentions())
                .build();
    }

    /** The proto form of a notification outbox record ({@code ListNotificationOutbox}). */
    static io.sup.realtime.proto.messaging.v1.OutboxEntry outboxEntry(OutboxEntry entry) {
        var b = io.sup.realtime.proto.messaging.v1.OutboxEntry.newBuilder().setId(entry.id())
                .setChatId(entry.chatId());
        switch (entry) {
            case OutboxEntry.MessageStored m -> b.setKind("message")
                    .setMessageId(m.messageId())
                    .setSenderId(m.senderId())
                    .setMessageType(m.messageType())
                    .setCreatedAt(timestamp(m.createdAt()))
                    .addAllMentionedIds(m.mentionedIds())
                    .setReplyToSenderId(m.replyToSenderId())
                    .addAllOfflineIds(m.offlineIds())
                    .setPreview(m.preview())
                    .setEncrypted(m.encrypted());
            case OutboxEntry.MembersAdded a -> b.setKind("members_added")
                    .addAllAddedIds(a.addedIds())
                    .setCreatedAt(timestamp(a.addedAt()));
        }
        return b.build();
    }

    /** The proto form of a chat, as the admin API returns it and {@code chat:updated} carries it. */
    public static io.sup.realtime.proto.messaging.v1.Chat chat(Chat c) {
        return io.sup.realtime.proto.messaging.v1.Chat.newBuilder()
                .setId(c.id())
                .setTitle(c.title())
                .addAllMemberIds(c.memberIds())
                .setCreatedAt(timestamp(c.createdAt()))
                .build();
    }

    /**
     * The actor a gateway-set caller names.
     *
     * @throws ServiceException INVALID_ARGUMENT when the caller is missing or malformed (a
     *     gateway bug, or a caller that is not the gateway)
     */
    static Actor actor(Caller caller) {
        if (!Ids.isValid(caller.getUserId()) || !Ids.isValid(caller.getDeviceId())
                || caller.getConnectionId().isEmpty()) {
            throw ServiceException.invalidArgument("caller must carry user, device and connection ids");
        }
        return new Actor(caller.getUserId(), caller.getDeviceId(), caller.getConnectionId());
    }

    /**
     * The client error code of a per-item refusal inside a successful reply (the gateway maps
     * whole-call statuses the same way; see proto/README.md).
     */
    static String clientCode(ServiceException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION -> "INVALID_ARGUMENT";
            case PERMISSION_DENIED -> "FORBIDDEN";
            case NOT_FOUND -> "NOT_FOUND";
            case RESOURCE_EXHAUSTED -> "RATE_LIMITED";
            case UNAVAILABLE -> "UNAVAILABLE";
        };
    }

    /** RFC 3339 in UTC with millisecond precision, the form every API time takes (platform's {@link Timestamps}). */
    public static String timestamp(Instant t) {
        return Timestamps.rfc3339(t);
    }
}
