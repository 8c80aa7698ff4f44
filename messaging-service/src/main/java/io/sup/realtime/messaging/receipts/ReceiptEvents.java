package io.sup.realtime.messaging.receipts;

import java.time.Instant;
import java.util.List;

/** Where receipts are announced: to the senders of the covered messages. */
public interface ReceiptEvents {
    /**
     * {@code readerId} gave a {@code kind} receipt for {@code messageIds} (all sent by
     * {@code senderId}) in {@code chatId}: tell the sender's devices.
     */
    void receipt(ReceiptKind kind, String chatId, String senderId, List<String> messageIds, String readerId, Instant at);
}
