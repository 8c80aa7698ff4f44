package io.sup.realtime.notification.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.notification.notifications.Draft;
import io.sup.realtime.notification.notifications.NotificationData;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.notification.notifications.NotificationType;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.GetChatRequest;
import io.sup.realtime.proto.messaging.v1.ListNotificationOutboxRequest;
import io.sup.realtime.proto.messaging.v1.OutboxEntry;

/**
 * Messaging's notification outbox ({@code ChatAdminService.ListNotificationOutbox}), turned into
 * notifications: each mentioned member gets a {@code mention}, the replied-to author a
 * {@code reply} (unless mentioned too), every other member that had no connection a
 * {@code message} (collapsed per chat), and each member added to a chat a {@code chat}
 * notification. Titles name the chat (its title, else its id), read once per record.
 */
public final class MessagingOutbox implements SourcePoller.Source<OutboxEntry> {
    private final ChatAdminServiceGrpc.ChatAdminServiceBlockingStub chats;
    private final Duration deadline;
    private final NotificationService notifications;

    /**
     * @param channel       channel to messaging-service
     * @param deadline      deadline of each call
     * @param notifications where notifications are created
     */
    public MessagingOutbox(Channel channel, Duration deadline, NotificationService notifications) {
        this.chats = ChatAdminServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
        this.notifications = notifications;
    }

    @Override
    public String name() {
        return "messaging";
    }

    @Override
    public List<OutboxEntry> after(String cursor, int limit) {
        return stub().listNotificationOutbox(ListNotificationOutboxRequest.newBuilder().setAfter(cursor)
                .setLimit(limit).build()).getEntriesList();
    }

    @Override
    public String id(OutboxEntry record) {
        return record.getId();
    }

    @Override
    public void handle(OutboxEntry entry) {
        String chat = entry.getChatId();
        String title = chatTitle(chat);
        if (entry.getKind().equals("members_added")) {
            create(entry.getAddedIdsList(), NotificationType.CHAT, title, "You were added to " + title,
                    new NotificationData(chat, "", "", "", "", Map.of()), "chat-added:" + chat + ":" + entry.getId());
            return;
        }
        String sender = entry.getSenderId();
        String preview = entry.getPreview();
        NotificationData data = new NotificationData(chat, entry.getMessageId(), "", sender, "", Map.of());
        String source = chat + ":" + entry.getMessageId();
        List<String> told = new ArrayList<>(entry.getMentionedIdsList());
        create(told, NotificationType.MENTION, title,
                preview.isEmpty() ? sender + " mentioned you" : sender + " mentioned you: " + preview, data,
                "mention:" + source);
        String author = entry.getReplyToSenderId();
        if (!author.isEmpty() && !told.contains(author)) {
            told.add(author);
            create(List.of(author), NotificationType.REPLY, title,
                    preview.isEmpty() ? sender + " replied to your message" : sender + " replied: " + preview, data,
                    "reply:" + source);
        }
        List<String> offline = entry.getOfflineIdsList().stream().filter(u -> !told.contains(u)).toList();
        create(offline, NotificationType.MESSAGE, title,
                preview.isEmpty() ? sender + " sent a message" : sender + ": " + preview, data, "message:" + source);
    }

    private void create(List<String> users, NotificationType type, String title, String body, NotificationData data,
                        String sourceKey) {
        String bounded = body.length() > NotificationService.MAX_BODY
                ? body.substring(0, NotificationService.MAX_BODY - 1) + "…" : body;
        Draft draft = new Draft(type, Optional.empty(), title, bounded, "", data);
        // A large chat's record may name more members than one creation takes.
        for (int from = 0; from < users.size(); from += NotificationService.MAX_USERS) {
            notifications.create(users.subList(from, Math.min(users.size(), from + NotificationService.MAX_USERS)),
                    draft, sourceKey);
        }
    }

    /** The chat's title, else its id (also when the chat is gone). */
    private String chatTitle(String chatId) {
        try {
            String title = stub().getChat(GetChatRequest.newBuilder().setChatId(chatId).build()).getTitle();
            return title.isBlank() ? chatId : title.length() > NotificationService.MAX_TITLE
                    ? title.substring(0, NotificationService.MAX_TITLE) : title;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return chatId;
            }
            throw e;
        }
    }

    private ChatAdminServiceGrpc.ChatAdminServiceBlockingStub stub() {
        return chats.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
