package io.sup.realtime.messaging.grpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static io.sup.realtime.messaging.grpc.ClientEventCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * messaging-service with its default limits, over real gRPC: each limited client event is
 * accepted as often as the original service allowed per window, and the next one is refused
 * with RESOURCE_EXHAUSTED and a retry time within the window, while another user is not
 * affected; so are the events without a limit of their own, together, at the ceiling. The
 * refusals show in the Prometheus metrics by event.
 */
class EachDefaultLimitRefusesTheEventAfterItTest {
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

    @BeforeEach
    void chatWithAMessageOfBobs() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1")
                .addAllMemberIds(List.of("alice", "bob", "carol")).build());
        service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller("bob", "gw2"))
                .setChatId("c1").setContent("react to me").build());
    }

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of(ClientEvent.MESSAGE_NEW, 30, 60_000),
                Arguments.of(ClientEvent.MESSAGE_TYPING, 10, 10_000),
                Arguments.of(ClientEvent.MESSAGE_DELIVERED, 100, 60_000),
                Arguments.of(ClientEvent.MESSAGE_READ, 100, 60_000),
                Arguments.of(ClientEvent.REACTION_NEW, 50, 60_000),
                Arguments.of(ClientEvent.REACTION_REMOVE, 50, 60_000));
    }

    @ParameterizedTest(name = "{0}: {1} per {2} ms")
    @MethodSource("defaults")
    void theEventAfterTheDefaultNumberIsRefusedForAWhileWithinTheWindow(ClientEvent event, int max, long windowMs) {
        Caller alice = caller("alice", "gw1");
        var call = ClientEventCalls.of(event);
        for (int i = 0; i < max; i++) {
            call.accept(service.messaging(), alice);
        }

        assertRateLimited(event, windowMs, () -> call.accept(service.messaging(), alice));
        call.accept(service.messaging(), caller("carol", "gw3")); // another user: its own budget
    }

    @Test
    void eventsWithoutALimitOfTheirOwnShareTheDefaultCeiling() {
        Caller alice = caller("alice", "gw1");
        List<ClientEvent> unlimited = List.of(ClientEvent.MESSAGE_SYNC, ClientEvent.MESSAGE_STOP_TYPING,
                ClientEvent.REACTION_GET, ClientEvent.CHAT_JOIN, ClientEvent.CHAT_LEAVE,
                ClientEvent.CHAT_JOIN_MULTIPLE, ClientEvent.CHAT_GET_ACTIVE_MEMBERS);
        for (int i = 0; i < 300; i++) {
            ClientEventCalls.of(unlimited.get(i % unlimited.size())).accept(service.messaging(), alice);
        }

        assertRateLimited(ClientEvent.MESSAGE_SYNC, 60_000,
                () -> ClientEventCalls.of(ClientEvent.MESSAGE_SYNC).accept(service.messaging(), alice));
        ClientEventCalls.of(ClientEvent.MESSAGE_NEW).accept(service.messaging(), alice); // its own limit
    }

    @Test
    void refusalsAreCountedInTheMetricsByEvent() throws Exception {
        Caller alice = caller("alice", "gw1");
        var send = ClientEventCalls.of(ClientEvent.MESSAGE_NEW);
        for (int i = 0; i < 30; i++) {
            send.accept(service.messaging(), alice);
        }
        assertRateLimited(ClientEvent.MESSAGE_NEW, 60_000, () -> send.accept(service.messaging(), alice));

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + service.observePort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().lines().anyMatch(line -> line.startsWith("rate_limit_refusals_total{")
                && line.contains("event=\"message:new\"")), metrics.body());
    }
}
