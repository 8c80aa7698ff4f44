package io.sup.realtime.messaging.receipts;

/** The two receipts a member gives for messages of others. */
public enum ReceiptKind {
    /** The message reached one of the member's devices ({@code message:delivered}). */
    DELIVERED,
    /** The member read the message ({@code message:read}). */
    READ
}
