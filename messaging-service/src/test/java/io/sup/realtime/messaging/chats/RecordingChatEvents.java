package io.sup.realtime.messaging.chats;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what {@link ChatService} announces, for tests to assert on. */
public final class RecordingChatEvents implements ChatEvents {
    /** One announcement: its event name, chat, subject user (or null) and recipients. */
    public record Announcement(String event, String chatId, String userId, Set<String> recipients) {
    }

    private final List<Announcement> announcements = new CopyOnWriteArrayList<>();

    /** Everything announced so far, in order. */
    public List<Announcement> announcements() {
        return List.copyOf(announcements);
    }

    @Override
    public void chatUpdated(Chat chat) {
        announcements.add(new Announcement("chat:updated", chat.id(), null, Set.copyOf(chat.memberIds())));
    }

    @Override
    public void memberJoined(String chatId, String userId, Collection<String> recipientIds) {
        announcements.add(new Announcement("chat:member-joined", chatId, userId, Set.copyOf(recipientIds)));
    }

    @Override
    public void memberLeft(String chatId, String userId, Collection<String> recipientIds) {
        announcements.add(new Announcement("chat:member-left", chatId, userId, Set.copyOf(recipientIds)));
    }
}
