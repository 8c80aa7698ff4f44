package io.sup.realtime.notification.grpc;

import java.util.Optional;

import io.sup.realtime.notification.notifications.Draft;
import io.sup.realtime.notification.notifications.Notification;
import io.sup.realtime.notification.notifications.NotificationData;
import io.sup.realtime.notification.notifications.NotificationType;
import io.sup.realtime.notification.notifications.Priority;
import io.sup.realtime.notification.preferences.Preferences;
import io.sup.realtime.notification.push.DeadLetter;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.time.Timestamps;
import io.sup.realtime.proto.notifications.v1.CreateNotificationRequest;
import io.sup.realtime.proto.notifications.v1.DoNotDisturb;
import io.sup.realtime.proto.notifications.v1.MutedChat;

/** Domain <-> {@code sup.notifications.v1} messages. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    /** A notification as the API shows it. */
    public static io.sup.realtime.proto.notifications.v1.Notification notification(Notification n) {
        NotificationData d = n.data();
        return io.sup.realtime.proto.notifications.v1.Notification.newBuilder()
                .setId(n.id()).setType(n.type().wireName()).setPriority(n.priority().wireName())
                .setTitle(n.title()).setBody(n.body()).setSound(n.sound()).setBadge(n.badge())
                .setBadgeVersion(n.badgeVersion())
                .setData(io.sup.realtime.proto.notifications.v1.NotificationData.newBuilder()
                        .setChatId(d.chatId()).setMessageId(d.messageId()).setCallId(d.callId())
                        .setActorId(d.actorId()).setCallKind(d.callKind()).putAllExtra(d.extra()))
                .setCreatedAt(Timestamps.rfc3339(n.createdAt())).setRead(n.read()).setCount(n.count())
                .build();
    }

    /** A backend's request as a draft. INVALID_ARGUMENT for an unknown type or priority. */
    public static Draft draft(CreateNotificationRequest r) {
        NotificationType type = NotificationType.named(r.getType()).orElseThrow(() -> ServiceException.invalidArgument(
                "type must be one of mention, reply, call, chat, message"));
        Optional<Priority> priority = r.getPriority().isEmpty() ? Optional.empty()
                : Optional.of(Priority.named(r.getPriority()).orElseThrow(() ->
                        ServiceException.invalidArgument("priority must be low, normal or high")));
        var d = r.getData();
        return new Draft(type, priority, r.getTitle(), r.getBody(), r.getSound(),
                new NotificationData(d.getChatId(), d.getMessageId(), d.getCallId(), d.getActorId(), d.getCallKind(),
                        d.getExtraMap()));
    }

    /** Preferences as the API shows them. */
    public static io.sup.realtime.proto.notifications.v1.Preferences preferences(Preferences p) {
        var reply = io.sup.realtime.proto.notifications.v1.Preferences.newBuilder();
        p.mutes().forEach((chat, until) -> reply.addMutedChats(MutedChat.newBuilder().setChatId(chat)
                .setUntil(until.map(Timestamps::rfc3339).orElse(""))));
        p.doNotDisturb().ifPresentOrElse(
                d -> reply.setDoNotDisturb(DoNotDisturb.newBuilder().setEnabled(true).setStart(d.start().toString())
                        .setEnd(d.end().toString()).setTimeZone(d.timeZone().getId())),
                () -> reply.setDoNotDisturb(DoNotDisturb.newBuilder().setEnabled(false)));
        return reply.build();
    }

    /** A dead letter as the admin API shows it. */
    public static io.sup.realtime.proto.notifications.v1.DeadLetter deadLetter(DeadLetter d) {
        return io.sup.realtime.proto.notifications.v1.DeadLetter.newBuilder().setId(d.id()).setPushId(d.pushId())
                .setUserId(d.userId()).setDeviceId(d.deviceId()).setProvider(d.provider())
                .setNotificationId(d.notificationId()).setAttempts(d.attempts()).setError(d.error())
                .setAt(Timestamps.rfc3339(d.at())).build();
    }
}
