package io.sup.realtime.messaging.outbox;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.messaging.chats.ChatNotifications;
import io.sup.realtime.messaging.messages.MessageNotifications;
import io.sup.realtime.messaging.messages.StoredMessage;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.redis.StreamCursor;

/**
 * The notification outbox: what notification-service is to turn into notifications, written
 * by messaging on its own ({@link OutboxStore}) so a send never waits on notification-service
 * (messaging does not call it at all) and nothing is lost while it is down; it reads the
 * records from a cursor it keeps ({@link #after}).
 *
 * <p>A stored message gets one record, after its delivery, only when it concerns someone
 * (see {@link OutboxEntry.MessageStored}): a message that mentions nobody, replies to no
 * other member and reached every member live costs nothing here, and one that needs a record
 * one XADD (one round trip). {@code AddMembers} gets one record for the users it newly added.
 *
 * <p>Crash window: a record is written after what it tells of. When messaging dies (or Redis
 * fails) between storing a message and writing its record, that message's notifications are
 * lost; the message is not (it is in its chat's log, and members catch up with
 * {@code message:sync}). The same holds for added members. A failed write is logged (ids
 * only, never content) and counted; the send or the change it follows still succeeds.
 */
public final class OutboxService implements MessageNotifications, ChatNotifications {
    private static final Logger LOG = System.getLogger(OutboxService.class.getName());

    /** Length of a record's preview of plain content, in code points. */
    public static final int PREVIEW_CODE_POINTS = 120;
    /** Most records in one read. */
    public static final int MAX_PAGE = 1_000;
    private static final int DEFAULT_PAGE = 100;

    private final OutboxStore store;
    private final Counter written = Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.outbox.written")
            .description("Records written to the notification outbox"));
    private final Counter failed = Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.outbox.failed")
            .description("Notification outbox records that could not be written (their notifications are lost)"));

    /** @param store the outbox's Redis stream */
    public OutboxService(OutboxStore store) {
        this.store = store;
    }

    /**
     * Writes a {@code message} record when the message mentions someone, replies to a member
     * other than the sender, or some member other than the sender had no live connection.
     */
    @Override
    public void messageStored(StoredMessage message, Collection<String> memberIds, Collection<String> offlineIds,
                              String repliedToSenderId) {
        String sender = message.senderId();
        boolean replyConcernsAnother = !repliedToSenderId.isEmpty() && !repliedToSenderId.equals(sender)
                && memberIds.contains(repliedToSenderId);
        OutboxEntry.MessageStored entry = new OutboxEntry.MessageStored("", message.chatId(), message.id(), sender,
                message.type(), message.createdAt(), message.mentions(), replyConcernsAnother ? repliedToSenderId : "",
                offlineIds.stream().filter(id -> !id.equals(sender)).distinct().sorted().toList(),
                message.encrypted() == null ? preview(message.content()) : "", message.encrypted() != null);
        if (entry.concernsAnyone()) {
            write(entry, "message " + message.chatId() + "/" + message.id());
        }
    }

    /** Writes a {@code members_added} record. */
    @Override
    public void membersAdded(String chatId, List<String> addedIds, Instant at) {
        write(new OutboxEntry.MembersAdded("", chatId, addedIds, at), "members added to " + chatId);
    }

    /**
     * Up to {@code limit} records after the cursor {@code after} (exclusive), oldest first.
     * Records trimmed away by the bound before they were read are gone: a reader that falls
     * further behind than the bound misses them, and reads on from the oldest kept.
     *
     * @param after an {@link OutboxEntry#id()}; empty: from the oldest kept
     * @param limit 1-{@value #MAX_PAGE}; 0: 100
     * @throws ServiceException INVALID_ARGUMENT when {@code after} is not a stream id
     *     ({@code <ms>-<seq>}) or {@code limit} is out of range
     */
    public List<OutboxEntry> after(String after, int limit) {
        int count = limit == 0 ? DEFAULT_PAGE : limit;
        if (count < 1 || count > MAX_PAGE) {
            throw ServiceException.invalidArgument("limit must be 1-" + MAX_PAGE + " (0 for " + DEFAULT_PAGE + ")");
        }
        return StreamCursor.startAfter(after, "an outbox entry's id").map(start -> store.after(start, count))
                .orElse(List.of());
    }

    /** The first {@value #PREVIEW_CODE_POINTS} code points of {@code content}, never half a surrogate pair. */
    static String preview(String content) {
        int end = 0;
        for (int i = 0; i < PREVIEW_CODE_POINTS && end < content.length(); i++) {
            end += Character.charCount(content.codePointAt(end));
        }
        return content.substring(0, end);
    }

    private void write(OutboxEntry entry, String what) {
        try {
            store.append(entry);
            written.increment();
        } catch (RuntimeException e) {
            // What it tells of stands; only its notifications are lost (see the class comment).
            failed.increment();
            LOG.log(Level.WARNING, "outbox record for " + what + " not written: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        }
    }
}
