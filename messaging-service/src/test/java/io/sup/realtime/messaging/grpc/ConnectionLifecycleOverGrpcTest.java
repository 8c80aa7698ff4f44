package io.sup.realtime.messaging.grpc;

import java.util.Map;
import java.util.Set;

import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code sup.gateway.v1.ConnectionLifecycleService} as the gateway calls it on messaging: all
 * three reports are acknowledged (OK, an empty ack); opened and alive reports store nothing.
 */
class ConnectionLifecycleOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void openedAndAliveReportsAreAcknowledgedAndStoreNothing() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addMemberIds("alice").build());
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            Set<String> keysBefore = redis.keys("*");

            ConnectionEventAck opened = service.lifecycle().connectionOpened(ConnectionEvent.newBuilder()
                    .setConnection(caller("alice", "gw")).setAtMs(System.currentTimeMillis()).build());
            ConnectionEventAck alive = service.lifecycle().connectionsAlive(ConnectionBatch.newBuilder()
                    .setGatewayInstance("gw").addConnections(caller("alice", "gw")).addConnections(caller("bob", "gw"))
                    .setAtMs(System.currentTimeMillis()).build());

            assertEquals(ConnectionEventAck.getDefaultInstance(), opened);
            assertEquals(ConnectionEventAck.getDefaultInstance(), alive);
            assertEquals(keysBefore, redis.keys("*"), "opened and alive reports leave Redis as it was");
        }
    }

    @Test
    void closedReportsAreAcknowledged() {
        ConnectionEventAck closed = service.lifecycle().connectionClosed(ConnectionEvent.newBuilder()
                .setConnection(caller("alice", "gw")).setAtMs(System.currentTimeMillis()).build());

        assertEquals(ConnectionEventAck.getDefaultInstance(), closed);
    }
}
