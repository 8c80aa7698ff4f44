package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.presence.v1.Presence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * An event a service addresses to a list of connections ({@link DeliveryBus#toConnections})
 * reaches exactly those connections, on every gateway that holds one, once each; the other
 * connections of the same users and gateways get nothing. Published with platform's bus, as
 * a service would, against the test's Redis.
 */
class ConnectionListDeliveryTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Presence LISTED = Presence.newBuilder().setUserId("listed").setStatus("away").build();
    private static final Presence MARKER = Presence.newBuilder().setUserId("marker").setStatus("online").build();

    /** A connection of {@code user} and its id. */
    private record Connection(WsTestClient client, String id) {
    }

    private static Connection connect(Main gateway, String user) throws InterruptedException {
        WsTestClient client = WsTestClient.connect(gateway.port(), "/ws?token=" + TestTokens.access(user), Map.of());
        return new Connection(client, client.awaitEvent("connected").get("connectionId").asText());
    }

    /** The {@code presence:update} events with {@code LISTED}'s data {@code connection} got before the marker. */
    private static List<JsonNode> listedBeforeMarker(Connection connection) throws InterruptedException {
        return connection.client().receivedBefore(WsTestClient.isEvent("presence:update", "userId", "marker")).stream()
                .filter(WsTestClient.isEvent("presence:update", "userId", "listed")).toList();
    }

    @Test
    void aConnectionListReachesExactlyTheListedConnectionsOnEachGateway() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             Main gw1 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-list1");
             Main gw2 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-list2");
             UnifiedJedis redis = REDIS.settings().newClient()) {
            DeliveryBus bus = new DeliveryBus(redis, new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC()),
                    Clock.systemUTC());
            Connection alice1 = connect(gw1, "list-alice");
            Connection alice2 = connect(gw1, "list-alice");
            Connection bob1 = connect(gw2, "list-bob");
            Connection bob2 = connect(gw2, "list-bob");
            try (WsTestClient a1 = alice1.client(); WsTestClient a2 = alice2.client();
                 WsTestClient b1 = bob1.client(); WsTestClient b2 = bob2.client()) {
                // gw-list1.zz names a connection gw-list1 does not hold: skipped there.
                assertEquals(2, bus.toConnections(List.of(alice1.id(), bob1.id(), "gw-list1.zz"),
                        ServerEvent.PRESENCE_UPDATE, LISTED));
                JsonNode atAlice1 = alice1.client().awaitEvent("presence:update", d -> d.path("userId").asText().equals("listed"));
                assertEquals("{\"userId\":\"listed\",\"status\":\"away\"}", atAlice1.toString());

                // The marker follows the same path to every connection: what it overtook is not coming.
                assertEquals(2, bus.toConnections(List.of(alice1.id(), alice2.id(), bob1.id(), bob2.id()),
                        ServerEvent.PRESENCE_UPDATE, MARKER));
                assertEquals(1, listedBeforeMarker(alice1).size(), "alice's listed connection, once");
                assertEquals(1, listedBeforeMarker(bob1).size(), "bob's listed connection, once");
                assertEquals(List.of(), listedBeforeMarker(alice2), "alice's other connection");
                assertEquals(List.of(), listedBeforeMarker(bob2), "bob's other connection");
            }
        }
    }
}
