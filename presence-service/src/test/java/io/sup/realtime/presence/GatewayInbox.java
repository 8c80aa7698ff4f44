package io.sup.realtime.presence;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.platform.bus.CollectingInbox;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.presence.v1.Presence;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a gateway instance would receive from presence: its delivery-bus inbox, read with
 * platform's real {@link CollectingInbox}, with the frames read as {@code presence:update}
 * events. Absence is proved without sleeping: a marker published after the moment in
 * question comes after every frame published before it.
 */
final class GatewayInbox implements AutoCloseable {
    private final CollectingInbox inbox;
    private final UnifiedJedis redis;
    private final DeliveryBus bus;

    private GatewayInbox(RedisServerExtension redisServer, String instance) {
        inbox = CollectingInbox.start(redisServer.settings(), instance);
        redis = redisServer.settings().newClient();
        bus = new DeliveryBus(redis, new RoutingRegistry(redis, java.time.Duration.ofSeconds(30), java.time.Clock.systemUTC()),
                java.time.Clock.systemUTC());
    }

    /** Subscribes to {@code instance}'s inbox. */
    static GatewayInbox of(RedisServerExtension redis, String instance) {
        return new GatewayInbox(redis, instance);
    }

    /** A presence change delivered to connections of this instance. */
    record Update(List<String> connectionIds, Presence presence, long receivedAtMs) {
    }

    /** The next frame, which must be a {@code presence:update}. */
    Update next() throws InterruptedException {
        return update(inbox.next());
    }

    /** Asserts that nothing has arrived since the last frame taken. */
    void assertNothingSinceLast() throws InterruptedException {
        List<DeliveryFrame> before = inbox.framesBefore(bus);
        assertTrue(before.isEmpty(), () -> "unexpected frames: " + before.stream().map(GatewayInbox::describe).toList());
    }

    private static Update update(DeliveryFrame frame) {
        long received = System.currentTimeMillis();
        assertEquals("presence:update", frame.getEvent(), () -> describe(frame));
        assertEquals(DeliveryFrame.TargetCase.CONNECTIONS, frame.getTargetCase());
        Presence.Builder presence = Presence.newBuilder();
        try {
            ProtoJson.merge(frame.getDataJson().toString(StandardCharsets.UTF_8), presence);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("presence:update data is not a Presence", e);
        }
        return new Update(frame.getConnections().getConnectionIdsList(), presence.build(), received);
    }

    private static String describe(DeliveryFrame frame) {
        return frame.getEvent() + " " + frame.getDataJson().toString(StandardCharsets.UTF_8) + " to " + frame.getTargetCase();
    }

    @Override
    public void close() {
        inbox.close();
        redis.close();
    }
}
