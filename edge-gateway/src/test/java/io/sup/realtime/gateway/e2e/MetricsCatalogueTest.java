package io.sup.realtime.gateway.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The meters of docs/METRICS.md, read as Prometheus reads them: the four services and a
 * gateway run for real, clients talk through the gateway, and {@code /metrics} on the
 * gateway's and the services' observe ports is scraped and parsed. Every name the catalogue
 * lists is exposed, with its labels, and the counts move by what the clients did: three
 * messages sent are three {@code message:new} events, acks, latencies, gRPC calls on both
 * sides and deliveries; a refused join, a rate-limited typing and a bad token are counted
 * by their outcome. All processes share this JVM's registry, so each check compares a
 * scrape before the clients' steps with one after.
 */
class MetricsCatalogueTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String MESSAGING = "sup.messaging.v1.MessagingService";
    private static final Path CATALOGUE = Path.of("..", "docs", "METRICS.md");
    /** Meters created at their first use that these clients do not cause, and the test that does. */
    private static final Set<String> EXERCISED_ELSEWHERE = Set.of(
            "notification_push_total", "notification_push_retries_total", // PushDeliveryKeepsTheBooksTest
            "notification_push_dropped_total",                              // NotificationsEndToEndTest (pushes)
            "gateway_connections_refused_total");                           // ConnectionLimitsTest

    private static ServiceHost messaging;
    private static ServiceHost presence;
    private static ServiceHost calls;
    private static ServiceHost notifications;
    private static Main gateway;

    @BeforeAll
    static void start() {
        // One typing a minute: the second is refused RATE_LIMITED.
        messaging = TestSystem.messaging(REDIS, 0, "rate.limits", "message:new=100000/60s,message:typing=1/60s");
        presence = TestSystem.presence(REDIS, messaging.grpcPort());
        calls = TestSystem.calls(REDIS, presence.grpcPort());
        notifications = TestSystem.notifications(REDIS, 0, messaging.grpcPort(), calls.grpcPort());
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-metrics",
                "presence.grpc.target", "localhost:" + presence.grpcPort(),
                "calls.grpc.target", "localhost:" + calls.grpcPort(),
                "notifications.grpc.target", "localhost:" + notifications.grpcPort(),
                "gateway.readiness.services", "messaging,presence,calls,notifications");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        notifications.close();
        calls.close();
        presence.close();
        messaging.close();
    }

    @Test
    void countsMoveByWhatTheClientsDid() throws Exception {
        PrometheusText before = PrometheusText.scrape(gateway.observePort());

        converse("m1");

        PrometheusText after = await(gateway.observePort(), s -> s.value("gateway_disconnects_total", "reason", "peer")
                > before.value("gateway_disconnects_total", "reason", "peer")
                && delta(before, s, "gateway_delivery_latency_seconds_count", "event", "message:new") >= 3
                && delta(before, s, "notifications_created_total", "type", "mention") >= 1);
        // Client events: received, answered, timed.
        assertEquals(3, delta(before, after, "gateway_events_total", "event", "message:new"));
        assertEquals(3, delta(before, after, "gateway_acks_total", "event", "message:new", "outcome", "ok"));
        assertEquals(3, delta(before, after, "gateway_event_latency_seconds_count", "event", "message:new"));
        assertTrue(after.has("gateway_event_latency_seconds_bucket", "event", "message:new", "le", "0.005"),
                "histogram buckets");
        assertEquals(3, delta(before, after, "gateway_event_latency_seconds_bucket", "event", "message:new", "le", "+Inf"));
        assertEquals(1, delta(before, after, "gateway_acks_total", "event", "chat:join", "outcome", "FORBIDDEN"));
        assertEquals(1, delta(before, after, "gateway_acks_total", "event", "message:typing", "outcome", "RATE_LIMITED"));
        assertEquals(1, delta(before, after, "gateway_acks_total", "event", "message:typing", "outcome", "ok"));
        assertEquals(1, delta(before, after, "gateway_rate_limited_total", "event", "message:typing"));
        // gRPC, the gateway's calls and the service's side of them.
        assertEquals(3, delta(before, after, "grpc_client_handled_total",
                "grpc_service", MESSAGING, "grpc_method", "SendMessage", "grpc_code", "OK"));
        assertEquals(3, delta(before, after, "grpc_client_handling_seconds_count",
                "grpc_service", MESSAGING, "grpc_method", "SendMessage"));
        assertEquals(3, delta(before, after, "grpc_server_handled_total",
                "grpc_service", MESSAGING, "grpc_method", "SendMessage", "grpc_code", "OK"));
        assertEquals(3, delta(before, after, "grpc_server_handling_seconds_count",
                "grpc_service", MESSAGING, "grpc_method", "SendMessage"));
        assertEquals(1, delta(before, after, "grpc_server_handled_total",
                "grpc_service", MESSAGING, "grpc_method", "JoinChat", "grpc_code", "PERMISSION_DENIED"));
        assertEquals(1, delta(before, after, "grpc_server_handled_total",
                "grpc_service", MESSAGING, "grpc_method", "StartTyping", "grpc_code", "RESOURCE_EXHAUSTED"));
        assertTrue(after.has("grpc_client_handled_total", "grpc_service", "grpc.health.v1.Health", "grpc_code", "OK"),
                "the readiness probes");
        // Domain counters.
        assertEquals(3, delta(before, after, "messaging_messages_stored_total"));
        assertEquals(1, delta(before, after, "messaging_receipts_total", "kind", "read"));
        assertEquals(1, delta(before, after, "messaging_reactions_total", "change", "added"));
        assertEquals(1, delta(before, after, "rate_limit_refusals_total", "event", "message:typing"));
        // Deliveries: bob's connection got the three messages (alice's own is excluded).
        assertEquals(3, delta(before, after, "gateway_deliveries_total", "event", "message:new"));
        assertEquals(3, delta(before, after, "gateway_delivery_latency_seconds_count", "event", "message:new"));
        // Connections.
        assertEquals(3, delta(before, after, "gateway_connections_total", "protocol", "native"));
        assertEquals(1, delta(before, after, "gateway_connections_total", "protocol", "socketio"));
        assertEquals(3, delta(before, after, "gateway_connects_total", "outcome", "ok"));
        assertEquals(1, delta(before, after, "gateway_connects_total", "outcome", "unauthenticated"));
        assertEquals(1, delta(before, after, "gateway_auth_failures_total", "reason", "malformed_token"));
        assertEquals(1, delta(before, after, "gateway_disconnects_total", "reason", "unauthenticated"));
        assertTrue(after.value("gateway_connections_peak") >= 3, "peak");
        assertEquals("gauge", after.type("gateway_outbound_queue_bytes"));
        assertEquals("gauge", after.type("gateway_outbound_queue_frames"));
        assertEquals("gauge", after.type("gateway_connections_active"));
        assertEquals("counter", after.type("gateway_events_total"));
    }

    @Test
    void everyCatalogueNameIsExposed() throws Exception {
        converse("m2");
        List<String> names = catalogueNames();
        assertTrue(names.size() > 35, "the catalogue's tables were read: " + names);
        await(gateway.observePort(), s -> s.has("notifications_created_total", "type", "mention"));
        List<String> missing = new ArrayList<>();
        for (int port : List.of(gateway.observePort(), messaging.observePort(), notifications.observePort())) {
            PrometheusText scrape = PrometheusText.scrape(port);
            for (String name : names) {
                boolean exposed = scrape.has(name) || scrape.has(name + "_count") || EXERCISED_ELSEWHERE.contains(name);
                if (!exposed && !missing.contains(name + " (port " + port + ")")) {
                    missing.add(name + " (port " + port + ")");
                }
            }
        }
        assertEquals(List.of(), missing, "listed in docs/METRICS.md but not exposed");
    }

    /**
     * alice and bob (native) and carol (Socket.IO, not a member) connect; alice sends three
     * messages (one mentions bob), bob reads one and reacts to it, carol is refused the chat,
     * alice types twice (the second is rate-limited), a client with a malformed token is
     * refused, and bob leaves.
     */
    private static void converse(String chat) throws Exception {
        TestSystem.createChat(messaging.grpcPort(), chat, "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var carol = WsTestClient.socketIoAs(gateway.port(), TestTokens.access("carol"))) {
            String id;
            try (var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
                id = null;
                for (String content : List.of("one", "two @bob", "three")) {
                    JsonNode ack = alice.request("message:new", Map.of("chatId", chat, "content", content));
                    assertTrue(ack.get("success").asBoolean(), ack.toString());
                    id = id == null ? ack.at("/message/id").asText() : id;
                    bob.awaitEvent("message:new", data -> content.equals(data.path("content").asText()));
                }
                assertTrue(bob.request("message:read", Map.of("chatId", chat, "messageIds", List.of(id)))
                        .get("success").asBoolean());
                assertTrue(bob.request("reaction:new", Map.of("chatId", chat, "messageId", id, "emoji", "🎉"))
                        .get("success").asBoolean());
            }
            carol.sendText("42" + 7 + "[\"chat:join\",{\"chatId\":\"" + chat + "\"}]");
            assertTrue(carol.awaitRaw("437").contains("FORBIDDEN"));
            assertTrue(alice.request("message:typing", Map.of("chatId", chat)).get("success").asBoolean());
            JsonNode limited = alice.request("message:typing", Map.of("chatId", chat));
            assertFalse(limited.get("success").asBoolean());
            assertEquals("RATE_LIMITED", limited.at("/error/code").asText(), limited.toString());
        }
        try (var bad = WsTestClient.connect(gateway.port(), "/ws?token=not-a-jwt", Map.of())) {
            assertEquals("UNAUTHENTICATED", bad.awaitEvent("error").path("code").asText());
        }
    }

    /** The names in the first column of docs/METRICS.md's tables whose rows name a Prometheus meter. */
    private static List<String> catalogueNames() throws Exception {
        List<String> names = new ArrayList<>();
        Pattern name = Pattern.compile("`([a-z][a-z0-9_]*)`");
        for (String line : Files.readAllLines(CATALOGUE)) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String firstCell = line.substring(1, line.indexOf('|', 1));
            Matcher m = name.matcher(firstCell);
            while (m.find()) {
                String found = m.group(1);
                if (found.contains("_") && !found.startsWith("grpc-") && !names.contains(found)) {
                    names.add(found);
                }
            }
        }
        return names;
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static PrometheusText await(int port, Predicate<PrometheusText> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        PrometheusText scrape = PrometheusText.scrape(port);
        while (!condition.test(scrape) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            scrape = PrometheusText.scrape(port);
        }
        return scrape;
    }
}
