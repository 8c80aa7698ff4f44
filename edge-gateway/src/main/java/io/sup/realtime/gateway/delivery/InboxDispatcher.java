package io.sup.realtime.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.protocol.WireCodec;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;

/**
 * Hands each frame from this instance's inbox to its local recipients: every connection of
 * the listed users, every connection in the room, or the one connection, minus the excluded
 * ones. Each wire protocol's text is encoded once per frame, not once per recipient, and
 * only enqueued: this runs on the bus's subscriber thread and never waits on a client.
 */
public final class InboxDispatcher implements Consumer<DeliveryFrame> {
    private final LocalConnections connections;
    private final Counter delivered = Metrics.globalRegistry().getOrCreate(
            Counter.builder("gateway.deliveries").description("Frames enqueued to client connections from the delivery bus"));

    /** @param connections this instance's connections */
    public InboxDispatcher(LocalConnections connections) {
        this.connections = connections;
    }

    @Override
    public void accept(DeliveryFrame frame) {
        String data = frame.getDataJson().toString(StandardCharsets.UTF_8);
        Set<String> excluded = Set.copyOf(frame.getExcludeConnectionIdsList());
        Map<WireCodec, String> encoded = new IdentityHashMap<>(2);
        Consumer<ClientConnection> send = connection -> {
            if (connection.isAuthenticated() && !excluded.contains(connection.id())) {
                String text = encoded.computeIfAbsent(connection.codec(), codec -> codec.event(frame.getEvent(), data));
                if (connection.out().send(text)) {
                    delivered.increment();
                }
            }
        };
        switch (frame.getTargetCase()) {
            case USERS -> frame.getUsers().getUserIdsList().forEach(user -> connections.ofUser(user).forEach(send));
            case ROOM -> connections.inRoom(frame.getRoom()).forEach(send);
            case CONNECTION_ID -> {
                ClientConnection connection = connections.byId(frame.getConnectionId());
                if (connection != null) {
                    send.accept(connection);
                }
            }
            case TARGET_NOT_SET -> {
                // Nothing addressed: nothing to do.
            }
        }
    }
}
