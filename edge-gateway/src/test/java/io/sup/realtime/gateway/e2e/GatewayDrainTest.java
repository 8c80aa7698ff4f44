package io.sup.realtime.gateway.e2e;

import java.util.Map;

import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway that shuts down drains: every client, of either protocol, is told 1001 (going
 * away: reconnect, to another instance) before the server stops, Socket.IO clients without a
 * DISCONNECT packet so that socket.io-client reconnects by itself, and the instance's routes
 * leave the registry.
 */
class GatewayDrainTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void shuttingDownClosesEveryConnectionWith1001AndReleasesItsRoutes() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             UnifiedJedis redis = REDIS.settings().newClient()) {
            Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-drain");
            try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
                 var bob = WsTestClient.connect(gateway.port(), "/socket.io/?EIO=4&transport=websocket", Map.of())) {
                bob.awaitRaw("0{");
                bob.sendText("40{\"token\":\"" + TestTokens.access("bob") + "\"}");
                bob.awaitRaw("42[\"connected\"");
                assertTrue(!redis.zrange("gw:user:{alice}", 0, -1).isEmpty() && !redis.zrange("gw:user:{bob}", 0, -1).isEmpty());

                gateway.close();

                assertEquals(1001, alice.awaitClose());
                assertEquals(1001, bob.awaitClose());
                assertTrue(bob.rawFrames().stream().noneMatch(f -> f.startsWith("41")), bob.rawFrames().toString());
                assertTrue(redis.zrange("gw:user:{alice}", 0, -1).isEmpty(), "alice's route is left behind");
                assertTrue(redis.zrange("gw:user:{bob}", 0, -1).isEmpty(), "bob's route is left behind");
            } finally {
                gateway.close();
            }
        }
    }
}
