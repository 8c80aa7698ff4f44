package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On the Redis Cluster run of the suite ({@code -Dsup.test.redis=cluster}): the services'
 * data really is spread over the three masters, so the cluster run cannot pass by everything
 * silently going to one node. Messages in a dozen chats, through a gateway, leave keys on
 * every master (DBSIZE of each), and a message still reaches its recipient. Skipped on the
 * standalone run.
 */
class KeysSpreadOverTheClusterTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int CHATS = 12;

    private static ServiceHost messaging;
    private static Main gateway;

    @BeforeAll
    static void startSystem() {
        assumeTrue(REDIS.isCluster(), "only on the Redis Cluster run");
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-spread");
    }

    @AfterAll
    static void stopSystem() {
        if (gateway != null) {
            gateway.close();
            messaging.close();
        }
    }

    @Test
    void chatsAndRoutesLandOnEveryMaster() throws Exception {
        for (int c = 0; c < CHATS; c++) {
            TestSystem.createChat(messaging.grpcPort(), "spread-" + c, "alice", "bob");
        }
        try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            for (int c = 0; c < CHATS; c++) {
                JsonNode ack = alice.request("message:new", Map.of("chatId", "spread-" + c, "content", "hi " + c));
                assertTrue(ack.path("success").asBoolean(), ack.toString());
            }
            JsonNode last = bob.awaitEvent("message:new", data -> ("spread-" + (CHATS - 1)).equals(data.path("chatId").asText()));
            assertEquals("hi " + (CHATS - 1), last.path("content").asText(), last.toString());

            Map<Integer, Long> keys = REDIS.keysPerNode();
            assertEquals(3, keys.size(), keys.toString());
            keys.forEach((port, count) -> assertTrue(count > 0, "master on port " + port + " holds keys: " + keys));
        }
    }
}
