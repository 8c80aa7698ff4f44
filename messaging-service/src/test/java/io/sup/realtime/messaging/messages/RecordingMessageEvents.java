package io.sup.realtime.messaging.messages;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link MessageEvents} that records each announcement, so a test can see what the domain
 * asked to deliver, to whom, and how many times. Our own port, implemented for the test.
 */
final class RecordingMessageEvents implements MessageEvents {
    /** One announcement. */
    record Announcement(StoredMessage message, Set<String> recipientIds, String senderConnectionId) {
    }

    private final List<Announcement> announcements = new CopyOnWriteArrayList<>();

    @Override
    public void messageStored(StoredMessage message, Collection<String> recipientIds, String senderConnectionId) {
        announcements.add(new Announcement(message, Set.copyOf(recipientIds), senderConnectionId));
    }

    /** Everything announced so far, in order. */
    List<Announcement> announcements() {
        return List.copyOf(announcements);
    }
}
