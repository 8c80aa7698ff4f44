package io.sup.realtime.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.metrics.DeliveryMetrics;
import io.sup.realtime.gateway.protocol.WireCodec;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.gateway.v1.Disconnect;

/**
 * Hands each frame for this instance to its local recipients: every connection of the listed
 * users, every connection in the room, the one connection, or each listed connection still
 * here, minus the excluded ones. Each wire protocol's text is encoded once per frame, not once
 * per recipient, and only enqueued: this runs on the bus's subscriber thread (frames from the
 * inbox) and on the thread of each client event whose response brought frames back
 * ({@code CallerInboxInterceptor}), and never waits on a client. A frame carrying a
 * {@link Disconnect} (a token revocation) is handed on instead.
 */
public final class InboxDispatcher implements Consumer<DeliveryFrame> {
    private final LocalConnections connections;
    private final BiConsumer<String, Disconnect> revocations;
    private final DeliveryMetrics metrics = new DeliveryMetrics();

    /**
     * @param connections this instance's connections
     * @param revocations takes a revocation frame's connection id and criteria (it must not block)
     */
    public InboxDispatcher(LocalConnections connections, BiConsumer<String, Disconnect> revocations) {
        this.connections = connections;
        this.revocations = revocations;
    }

    @Override
    public void accept(DeliveryFrame frame) {
        if (frame.hasDisconnect()) {
            if (frame.getTargetCase() == DeliveryFrame.TargetCase.CONNECTION_ID) {
                revocations.accept(frame.getConnectionId(), frame.getDisconnect());
            }
            return;
        }
        String data = frame.getDataJson().toString(StandardCharsets.UTF_8);
        Set<String> excluded = Set.copyOf(frame.getExcludeConnectionIdsList());
        Map<WireCodec, String> encoded = new IdentityHashMap<>(2);
        DeliveryMetrics.Event meters = metrics.of(frame.getEvent());
        long publishedAtMs = frame.getPublishedAtMs();
        int[] delivered = {0}; // this thread's only: counted once per frame, not per recipient
        Consumer<ClientConnection> send = connection -> {
            if (connection.isAuthenticated() && !excluded.contains(connection.id())) {
                String text = encoded.computeIfAbsent(connection.codec(), codec -> codec.event(frame.getEvent(), data));
                boolean queued = publishedAtMs > 0 ? connection.out().send(text, meters.latency(), publishedAtMs)
                        : connection.out().send(text);
                if (queued) {
                    delivered[0]++;
                }
            }
        };
        Consumer<String> sendById = id -> {
            ClientConnection connection = connections.byId(id); // null once it has gone
            if (connection != null) {
                send.accept(connection);
            }
        };
        switch (frame.getTargetCase()) {
            case USERS -> frame.getUsers().getUserIdsList().forEach(user -> connections.ofUser(user).forEach(send));
            case ROOM -> connections.inRoom(frame.getRoom()).forEach(send);
            case CONNECTION_ID -> sendById.accept(frame.getConnectionId());
            case CONNECTIONS -> frame.getConnections().getConnectionIdsList().forEach(sendById);
            case TARGET_NOT_SET -> {
                // Nothing addressed: nothing to do.
            }
        }
        if (delivered[0] > 0) {
            meters.delivered().increment(delivered[0]);
        }
    }
}
