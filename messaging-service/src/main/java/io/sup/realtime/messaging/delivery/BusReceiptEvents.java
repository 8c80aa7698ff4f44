package io.sup.realtime.messaging.delivery;

import java.time.Instant;
import java.util.List;

import io.sup.realtime.messaging.grpc.ProtoMapping;
import io.sup.realtime.messaging.receipts.ReceiptEvents;
import io.sup.realtime.messaging.receipts.ReceiptKind;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.messaging.v1.Receipt;

/** {@link ReceiptEvents} over the delivery bus: {@code message:delivered} / {@code message:read} to the sender's devices. */
public final class BusReceiptEvents implements ReceiptEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusReceiptEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public void receipt(ReceiptKind kind, String chatId, String senderId, List<String> messageIds, String readerId,
                        Instant at) {
        Receipt receipt = Receipt.newBuilder()
                .setChatId(chatId)
                .addAllMessageIds(messageIds)
                .setUserId(readerId)
                .setAt(ProtoMapping.timestamp(at))
                .build();
        bus.toUsers(List.of(senderId), kind == ReceiptKind.READ ? ServerEvent.MESSAGE_READ : ServerEvent.MESSAGE_DELIVERED,
                receipt, List.of());
    }
}
