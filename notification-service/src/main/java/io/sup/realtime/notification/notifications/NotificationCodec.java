package io.sup.realtime.notification.notifications;

import java.time.Instant;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.proto.notifications.v1.NotificationData.Builder;

/**
 * The stored form of a notification's content: the API's {@code sup.notifications.v1.Notification}
 * as protobuf bytes, without what the store keeps beside it (id, read, count, badge), so that
 * fields added to the API later read back from old entries as unset.
 */
final class NotificationCodec {
    private NotificationCodec() {
    }

    static byte[] encode(Notification n) {
        Builder data = io.sup.realtime.proto.notifications.v1.NotificationData.newBuilder()
                .setChatId(n.data().chatId()).setMessageId(n.data().messageId()).setCallId(n.data().callId())
                .setActorId(n.data().actorId()).setCallKind(n.data().callKind()).putAllExtra(n.data().extra());
        return io.sup.realtime.proto.notifications.v1.Notification.newBuilder()
                .setType(n.type().wireName()).setPriority(n.priority().wireName()).setTitle(n.title())
                .setBody(n.body()).setSound(n.sound()).setData(data)
                .setCreatedAt(Long.toString(n.createdAt().toEpochMilli())) // ms: decoded below, not shown
                .build().toByteArray();
    }

    static Notification decode(String id, byte[] bytes, boolean read, int count, int badge, long badgeVersion) {
        try {
            var stored = io.sup.realtime.proto.notifications.v1.Notification.parseFrom(bytes);
            var d = stored.getData();
            return new Notification(id, NotificationType.named(stored.getType()).orElseThrow(),
                    Priority.named(stored.getPriority()).orElseThrow(), stored.getTitle(), stored.getBody(),
                    stored.getSound(), new NotificationData(d.getChatId(), d.getMessageId(), d.getCallId(),
                    d.getActorId(), d.getCallKind(), d.getExtraMap()),
                    Instant.ofEpochMilli(Long.parseLong(stored.getCreatedAt())), read, count, badge, badgeVersion);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalStateException("notification " + id + " is stored in a form this version cannot read", e);
        }
    }
}
