package io.sup.realtime.messaging.receipts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.UserLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.messages.MessageIds;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.limits.RateCheck;

/**
 * Delivery and read receipts ({@code message:delivered}, {@code message:read}). A member's
 * position per chat only moves forward, so receipts are idempotent; receipts for one's own
 * messages are ignored; the senders of the newly covered messages are told, one event per
 * sender.
 */
public final class ReceiptService {
    /** Most message ids in one receipt. */
    public static final int MAX_IDS = 100;

    private final ReceiptStore store;
    private final ReceiptEvents events;
    private final Clock clock;
    private final UserLimits limits;
    private final Map<ReceiptKind, Counter> recorded = new EnumMap<>(ReceiptKind.class);

    /**
     * @param store  positions
     * @param events where receipts are announced
     * @param clock  receipt times
     * @param limits per-user rate limits ({@code message:delivered}, {@code message:read})
     */
    public ReceiptService(ReceiptStore store, ReceiptEvents events, Clock clock, UserLimits limits) {
        this.store = store;
        this.events = events;
        for (ReceiptKind kind : ReceiptKind.values()) {
            recorded.put(kind, Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.receipts")
                    .description("Receipts recorded (each may cover several messages), by kind")
                    .tags(List.of(Tag.create("kind", kind.name().toLowerCase(java.util.Locale.ROOT))))));
        }
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Records a receipt. The user's rate limit for the receipt's event is checked in the
     * same script, after the membership and the ids (see {@code lua/advance_receipt.lua}).
     *
     * @return the message ids the receipt newly covered (others' messages above the old position)
     * @throws ServiceException INVALID_ARGUMENT for a malformed chat id, no ids, too many, a
     *     malformed id, or an id that was never a message of this chat; PERMISSION_DENIED for
     *     a non-member (the same for an unknown chat); RESOURCE_EXHAUSTED when the rate limit refuses
     */
    public List<String> mark(ReceiptKind kind, String chatId, String userId, List<String> messageIds) {
        ChatService.requireWellFormedChatId(chatId);
        if (messageIds.isEmpty() || messageIds.size() > MAX_IDS) {
            throw ServiceException.invalidArgument("messageIds must hold 1-" + MAX_IDS + " ids");
        }
        List<Long> seqs = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            seqs.add(MessageIds.seq(id, "messageIds"));
        }
        RateCheck check = limits.check(userId, kind == ReceiptKind.READ ? ClientEvent.MESSAGE_READ
                : ClientEvent.MESSAGE_DELIVERED);
        return switch (store.advance(kind, chatId, userId, seqs, check)) {
            case ReceiptStore.Advanced.NotMember n -> throw ChatService.notAMember(chatId);
            case ReceiptStore.Advanced.RateLimited r -> throw check.refused(r.retryAfterMs());
            case ReceiptStore.Advanced.UnknownMessage u ->
                    throw ServiceException.invalidArgument("message " + u.seq() + " is not a message of chat " + chatId);
            case ReceiptStore.Advanced.Covered covered -> announce(kind, chatId, userId, covered.senderBySeq());
        };
    }

    private List<String> announce(ReceiptKind kind, String chatId, String userId, Map<Long, String> senderBySeq) {
        recorded.get(kind).increment();
        Instant at = clock.instant();
        Map<String, List<String>> idsBySender = new LinkedHashMap<>();
        senderBySeq.forEach((seq, sender) -> idsBySender.computeIfAbsent(sender, s -> new ArrayList<>()).add(Long.toString(seq)));
        idsBySender.forEach((sender, ids) -> events.receipt(kind, chatId, sender, ids, userId, at));
        return senderBySeq.keySet().stream().map(String::valueOf).toList();
    }
}
