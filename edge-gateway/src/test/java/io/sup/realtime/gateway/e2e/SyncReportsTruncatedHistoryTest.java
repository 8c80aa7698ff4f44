package io.sup.realtime.gateway.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code message:sync} across the wire (docs/API.md): a WebSocket client -> gateway -> gRPC
 * -> messaging-service with a short history ({@code messaging.history.length} = 10; MAXLEN ~
 * trims whole stream nodes) -> Redis. The ack says {@code "truncated": true} when the
 * messages right after {@code afterSeq} are no longer kept, and carries no true
 * {@code truncated} when nothing after the position was lost.
 */
class SyncReportsTruncatedHistoryTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int SENT = 150;

    private static ServiceHost messaging;
    private static Main gateway;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0, "messaging.history.length", "10");
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-sync");
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        messaging.close();
    }

    @Test
    void aDeviceBehindTheHistoryIsToldItsGapCannotBeFilledAndOneWithinItIsNot() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "c1", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"))) {
            for (int i = 1; i <= SENT; i++) {
                Map<String, String> data = Map.of("chatId", "c1", "content", "m" + i);
                if (i % 50 == 0 || i == SENT) {
                    alice.request("message:new", data); // an ack every 50 (events are in order): a slow machine waits per batch
                } else {
                    alice.emit("message:new", data);
                }
            }
        }
        long oldestKept;
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            assertEquals(Integer.toString(SENT), redis.get("msg:{c1}:seq"), "every message was stored");
            oldestKept = redis.xrange("msg:{c1}:log", "-", "+", 1).getFirst().getID().getTime();
            assertTrue(oldestKept > 2, "the log was trimmed; oldest kept: " + oldestKept);
        }

        try (var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            JsonNode behind = bob.request("message:sync", Map.of("chatId", "c1", "afterSeq", "0", "limit", 50));
            JsonNode justBehind = bob.request("message:sync", Map.of("chatId", "c1", "afterSeq", oldestKept - 2, "limit", 50));
            JsonNode atTheOldestKept = bob.request("message:sync", Map.of("chatId", "c1", "afterSeq", oldestKept - 1, "limit", 50));
            JsonNode recent = bob.request("message:sync", Map.of("chatId", "c1", "afterSeq", SENT - 5));

            assertTrue(behind.path("success").asBoolean(), summary(behind));
            assertTrue(behind.path("truncated").isBoolean() && behind.get("truncated").asBoolean(), summary(behind));
            assertEquals(oldestKept, seqs(behind).getFirst(), "the page starts at the oldest kept message");
            assertEquals(Integer.toString(SENT), behind.path("lastSeq").asText());
            assertTrue(justBehind.path("truncated").asBoolean(), summary(justBehind));

            assertTrue(atTheOldestKept.path("success").asBoolean(), summary(atTheOldestKept));
            assertFalse(atTheOldestKept.path("truncated").asBoolean(), summary(atTheOldestKept));
            assertEquals(oldestKept, seqs(atTheOldestKept).getFirst());
            assertTrue(recent.path("success").asBoolean(), summary(recent));
            assertFalse(recent.path("truncated").asBoolean(), summary(recent));
            assertEquals(LongStream.rangeClosed(SENT - 4, SENT).boxed().toList(), seqs(recent));
            assertEquals("m" + SENT, recent.at("/messages/4/content").asText());
        }
    }

    /** The ack without its messages' bodies, for failure messages. */
    private static String summary(JsonNode page) {
        List<Long> seqs = page.has("messages") ? seqs(page) : List.of();
        return "success=" + page.path("success") + " truncated=" + page.path("truncated") + " lastSeq="
                + page.path("lastSeq") + " seqs=" + (seqs.isEmpty() ? "[]" : seqs.getFirst() + ".." + seqs.getLast())
                + " error=" + page.path("error");
    }

    private static List<Long> seqs(JsonNode page) {
        List<Long> seqs = new ArrayList<>();
        page.get("messages").forEach(m -> seqs.add(Long.parseLong(m.get("seq").asText())));
        return seqs;
    }
}
