package io.sup.realtime.messaging.messages;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sup.realtime.platform.redis.PipelinedReads;

/**
 * A {@link MessageEvents} that records each announcement, so a test can see what the domain
 * asked to deliver, to whom, and how many times. Our own port, implemented for the test.
 */
final class RecordingMessageEvents implements MessageEvents {
    /** One announcement. */
    record Announcement(StoredMessage message, Set<String> recipientIds, String senderConnectionId) {
    }

    private final List<Announcement> announcements = new CopyOnWriteArrayList<>();

    /** Records the announcement; every recipient counts as connected. */
    @Override
    public List<String> messageStored(StoredMessage message, Collection<String> recipientIds,
                                      String senderConnectionId, PipelinedReads ahead) {
        announcements.add(new Announcement(message, Set.copyOf(recipientIds), senderConnectionId));
        return List.of();
    }

    /** Everything announced so far, in order. */
    List<Announcement> announcements() {
        return List.copyOf(announcements);
    }
}
