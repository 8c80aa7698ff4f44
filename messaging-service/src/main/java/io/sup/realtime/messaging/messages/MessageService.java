package io.sup.realtime.messaging.messages;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.UserLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.redis.PipelinedReads;

/**
 * Sending messages: validate, store durably in the chat's log (membership checked, and the
 * mentioned members picked, in the same atomic step), then announce for delivery to every
 * member's connections, then hand it to the notifications with what the delivery learned.
 * Storing comes first: a message that was acked is never lost, even when its delivery or
 * its notifications are.
 *
 * <p>The ack (the return) waits for the delivery's publish although the message is durable
 * before it: the gateway sends a connection's next event only after this one's ack, and that
 * is what keeps one sender's messages in order for their recipients (acking before the
 * publish let message N+1 be published before N; see
 * {@code bench/baseline/issue-15-early-ack}). The delivery's route look-up costs no round
 * trip of its own: it rides in the append's ({@link MessageEvents#lookUpAhead}).
 */
public final class MessageService {
    private static final Logger LOG = System.getLogger(MessageService.class.getName());

    /** Message types of the original's catalogue. */
    public static final Set<String> TYPES = Set.of("text", "image", "video", "audio", "file", "system");
    private static final Pattern TEMP_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");
    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_METADATA_ENTRIES = 16;
    private static final int MAX_METADATA_VALUE = 1024;

    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageEvents events;
    private final MessageNotifications notifications;
    private final int maxContentBytes;
    private final Clock clock;
    private final UserLimits limits;
    private final Counter storedCount = Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.messages.stored")
            .description("Messages stored in a chat log"));
    private final Counter duplicateCount = Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.messages.duplicates")
            .description("Sends answered with an already stored message (same sender and tempId)"));

    /**
     * @param chats           membership, checked before a reply or forward looks messages up
     * @param messages        the chats' logs
     * @param events          where stored messages are announced for delivery
     * @param notifications   where stored messages go to be told to the members they concern
     * @param maxContentBytes largest content accepted, in UTF-8 bytes
     * @param clock           time source for creation times
     * @param limits          per-user rate limits ({@code message:new}, {@code message:sync})
     */
    public MessageService(ChatStore chats, MessageStore messages, MessageEvents events,
                          MessageNotifications notifications, int maxContentBytes, Clock clock, UserLimits limits) {
        this.chats = chats;
        this.messages = messages;
        this.events = events;
        this.notifications = notifications;
        this.maxContentBytes = maxContentBytes;
        this.clock = clock;
        this.limits = limits;
    }

    /** Stores and delivers a plain message; see {@link #send(Actor, String, Draft)}. */
    public StoredMessage send(Actor sender, String chatId, String type, String content, String tempId) {
        return send(sender, chatId, Draft.plain(type, content, tempId));
    }

    /**
     * Stores and delivers a message ({@code message:new}): plain content, an encrypted
     * payload passed through untouched, a reply to a message of the same chat, or a forward
     * of a message from a chat the sender is in (whose type and content are copied).
     *
     * <p>Mentions: the draft's explicit list plus every {@code @<userId>} in plain content
     * (a forward's copied content included; never the original's mentions), of which the
     * append script keeps the members other than the sender ({@link Mentions}); encrypted
     * content has only the explicit list.
     *
     * <p>The sender's {@code message:new} rate limit is checked in the append script, after
     * the membership and the tempId: a repeat of a stored message is answered even at the
     * limit, and only stored messages count.
     *
     * @return the stored message; a repeat of (sender, tempId) returns the stored one and
     *     stores and delivers nothing
     * @throws ServiceException INVALID_ARGUMENT for a bad chat id, type, tempId, empty or
     *     oversized content, content and encrypted together, a bad encrypted payload, a
     *     replyTo that is not a message of this chat, a forward of a message that does not
     *     exist, more than 50 explicit mentions or a malformed one; PERMISSION_DENIED when
     *     the sender is not a member of the chat (or of the forwarded message's chat);
     *     RESOURCE_EXHAUSTED (with a retry time) when the rate limit refuses
     */
    public StoredMessage send(Actor sender, String chatId, Draft draft) {
        ChatService.requireWellFormedChatId(chatId);
        // A non-member learns nothing about the chat, not even which of its message ids exist
        // or that its draft was malformed: a reply or forward checks membership before looking
        // messages up; a plain message only when its draft is refused (the append script checks
        // atomically otherwise), which spares the common case a round trip.
        boolean looksUpMessages = !draft.replyTo().isEmpty() || !draft.forwardChatId().isEmpty()
                || !draft.forwardMessageId().isEmpty();
        if (looksUpMessages && !chats.isMember(chatId, sender.userId())) {
            throw ChatService.notAMember(chatId);
        }
        try {
            return store(sender, chatId, draft);
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.INVALID_ARGUMENT && !looksUpMessages
                    && !chats.isMember(chatId, sender.userId())) {
                throw ChatService.notAMember(chatId);
            }
            throw e;
        }
    }

    private StoredMessage store(Actor sender, String chatId, Draft draft) {
        if (!draft.tempId().isEmpty() && !TEMP_ID.matcher(draft.tempId()).matches()) {
            throw ServiceException.invalidArgument("tempId must be 1-64 characters of A-Z a-z 0-9 _ . : @ -");
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        StoredMessage.ForwardedFrom forwardedFrom = null;
        String type = draft.type().isEmpty() ? "text" : draft.type();
        String content = draft.content();
        StoredMessage.Encrypted encrypted = draft.encrypted();
        if (!draft.forwardChatId().isEmpty() || !draft.forwardMessageId().isEmpty()) {
            StoredMessage original = forwarded(sender, draft);
            forwardedFrom = new StoredMessage.ForwardedFrom(original.chatId(), original.id(), original.senderId());
            type = original.type();
            content = original.content();
            encrypted = original.encrypted();
        } else {
            requireBody(type, content, encrypted);
        }
        List<String> mentionCandidates = Mentions.candidates(sender.userId(), draft.mentions(),
                encrypted == null ? content : "");
        // The replied-to message is read anyway (it must exist); its author is whom a reply notifies.
        String repliedToSenderId = draft.replyTo().isEmpty() ? ""
                : requireMessageOf(chatId, draft.replyTo(), "replyTo").senderId();
        StoredMessage draftMessage = new StoredMessage(chatId, 0, sender.userId(), sender.deviceId(), type, content,
                draft.tempId(), now, encrypted, draft.replyTo(), forwardedFrom, mentionCandidates);
        RateCheck check = limits.check(sender.userId(), ClientEvent.MESSAGE_NEW);
        PipelinedReads ahead = events.lookUpAhead(chatId);
        return switch (messages.append(draftMessage, check, ahead)) {
            case MessageStore.Appended.NotMember n -> throw ChatService.notAMember(chatId);
            case MessageStore.Appended.RateLimited r -> throw check.refused(r.retryAfterMs());
            case MessageStore.Appended.Duplicate d -> {
                duplicateCount.increment();
                StoredMessage prior = messages.read(chatId, d.seq());
                // Trimmed away: the candidates were never filtered, so claim no mentions.
                yield prior != null ? prior : withSeq(draftMessage, d.seq(), List.of());
            }
            case MessageStore.Appended.Stored s -> {
                storedCount.increment();
                StoredMessage stored = withSeq(draftMessage, s.seq(), s.mentions());
                List<String> offline = announce(stored, s.memberIds(), sender.connectionId(), ahead);
                notifications.messageStored(stored, s.memberIds(), offline, repliedToSenderId);
                yield stored;
            }
        };
    }

    private void requireBody(String type, String content, StoredMessage.Encrypted encrypted) {
        if (!TYPES.contains(type)) {
            throw ServiceException.invalidArgument("type must be one of text, image, video, audio, file, system");
        }
        if (encrypted != null) {
            if (!content.isEmpty()) {
                throw ServiceException.invalidArgument("send content or encrypted, not both");
            }
            requireWithinLimit(encrypted.ciphertext(), "encrypted.ciphertext");
            if (encrypted.metadata().size() > MAX_METADATA_ENTRIES) {
                throw ServiceException.invalidArgument("encrypted.metadata has at most " + MAX_METADATA_ENTRIES + " entries");
            }
            encrypted.metadata().forEach((key, value) -> {
                if (!METADATA_KEY.matcher(key).matches() || value.length() > MAX_METADATA_VALUE) {
                    throw ServiceException.invalidArgument("encrypted.metadata keys are 1-64 characters of A-Z a-z 0-9 _ . -"
                            + " and values at most " + MAX_METADATA_VALUE + " characters");
                }
            });
            return;
        }
        requireWithinLimit(content, "content");
    }

    private void requireWithinLimit(String text, String field) {
        if (text.isEmpty()) {
            throw ServiceException.invalidArgument(field + " must not be empty");
        }
        if (text.length() > maxContentBytes || text.getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
            throw ServiceException.invalidArgument(field + " is larger than " + maxContentBytes + " bytes");
        }
    }

    /** The message a draft forwards, after checking the sender may read it. */
    private StoredMessage forwarded(Actor sender, Draft draft) {
        if (!draft.content().isEmpty() || draft.encrypted() != null) {
            throw ServiceException.invalidArgument("a forward copies the original: send no content or encrypted");
        }
        ChatService.requireWellFormedChatId(draft.forwardChatId());
        if (!chats.isMember(draft.forwardChatId(), sender.userId())) {
            throw ChatService.notAMember(draft.forwardChatId());
        }
        return requireMessageOf(draft.forwardChatId(), draft.forwardMessageId(), "forwardedFrom.messageId");
    }

    private StoredMessage requireMessageOf(String chatId, String messageId, String field) {
        StoredMessage message = MessageIds.isWellFormed(messageId)
                ? messages.read(chatId, Long.parseLong(messageId)) : null;
        if (message == null) {
            throw ServiceException.invalidArgument(field + " is not a message of chat " + chatId);
        }
        return message;
    }

    private static StoredMessage withSeq(StoredMessage m, long seq, List<String> mentions) {
        return new StoredMessage(m.chatId(), seq, m.senderId(), m.senderDeviceId(), m.type(), m.content(), m.tempId(),
                m.createdAt(), m.encrypted(), m.replyTo(), m.forwardedFrom(), mentions);
    }

    /** Most messages in one page of {@link #sync}. */
    public static final int MAX_SYNC_PAGE = 500;
    private static final int DEFAULT_SYNC_PAGE = 100;

    /**
     * A page of a chat's messages after {@code afterSeq} ({@code message:sync}), for a client
     * catching up after a reconnect.
     *
     * @param limit page size, 0 for the default (100)
     * @throws ServiceException INVALID_ARGUMENT for a bad chat id, a negative position or a
     *     page size outside 1-500; PERMISSION_DENIED for a non-member (also for an unknown
     *     chat); RESOURCE_EXHAUSTED when the rate limit ({@code message:sync}, by default the
     *     shared ceiling) refuses, checked in the membership read's round trip
     */
    public SyncPage sync(String userId, String chatId, long afterSeq, int limit) {
        ChatService.requireWellFormedChatId(chatId);
        if (afterSeq < 0) {
            throw ServiceException.invalidArgument("afterSeq must not be negative");
        }
        if (!chats.isMember(chatId, userId, limits.check(userId, ClientEvent.MESSAGE_SYNC))) {
            throw ChatService.notAMember(chatId);
        }
        int pageSize = limit == 0 ? DEFAULT_SYNC_PAGE : limit;
        if (pageSize < 1 || pageSize > MAX_SYNC_PAGE) {
            throw ServiceException.invalidArgument("limit must be between 1 and " + MAX_SYNC_PAGE);
        }
        long last = messages.lastSeq(chatId);
        if (afterSeq >= last) {
            return new SyncPage(chatId, List.of(), false, false, last); // up to date
        }
        List<StoredMessage> page = messages.after(chatId, afterSeq, pageSize + 1);
        boolean hasMore = page.size() > pageSize;
        List<StoredMessage> shown = hasMore ? page.subList(0, pageSize) : page;
        // A gap: the client is behind, and the first message after its position is gone.
        boolean truncated = afterSeq < last && (shown.isEmpty() || shown.getFirst().seq() > afterSeq + 1);
        return new SyncPage(chatId, List.copyOf(shown), hasMore, truncated, last);
    }

    /**
     * One page of {@link #sync}.
     *
     * @param messages  oldest first
     * @param hasMore   more follow: ask again after the last one
     * @param truncated messages right after the asked position are no longer kept
     * @param lastSeq   the chat's latest sequence number
     */
    public record SyncPage(String chatId, List<StoredMessage> messages, boolean hasMore, boolean truncated,
                           long lastSeq) {
    }

    /** Delivers {@code stored}; returns the members it did not reach live (all of them when delivery failed). */
    private List<String> announce(StoredMessage stored, List<String> memberIds, String senderConnectionId,
                                  PipelinedReads ahead) {
        try {
            return events.messageStored(stored, memberIds, senderConnectionId, ahead);
        } catch (RuntimeException e) {
            // Stored and acked: members catch up from the log on reconnect.
            LOG.log(Level.WARNING, "message " + stored.chatId() + "/" + stored.id() + " stored but not delivered: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
            return memberIds;
        }
    }
}
