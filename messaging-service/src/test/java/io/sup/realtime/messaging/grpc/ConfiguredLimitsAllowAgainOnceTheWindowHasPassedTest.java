package io.sup.realtime.messaging.grpc;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.platform.testing.RedisClock;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static io.sup.realtime.messaging.grpc.ClientEventCalls.assertRateLimited;

/**
 * messaging-service with every limit and the ceiling configured to 3 per 500 ms
 * ({@code rate.limits}, {@code rate.limit.ceiling}), over real gRPC: each client event is
 * accepted three times, refused the fourth time until the retry time it was given, then
 * accepted again; the events without a limit of their own are counted together.
 */
class ConfiguredLimitsAllowAgainOnceTheWindowHasPassedTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of(
                "rate.limits", "message:new=3/500ms,message:typing=3/500ms,message:delivered=3/500ms,"
                        + "message:read=3/500ms,reaction:new=3/500ms,reaction:remove=3/500ms",
                "rate.limit.ceiling", "3/500ms"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void chatWithAMessageOfBobs() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1")
                .addAllMemberIds(List.of("alice", "bob")).build());
        service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller("bob", "gw2"))
                .setChatId("c1").setContent("react to me").build());
    }

    @ParameterizedTest
    @EnumSource(ClientEvent.class)
    void threeAreAcceptedTheFourthWaitsAndAfterTheWaitOneMoreIsAccepted(ClientEvent event) throws Exception {
        Caller alice = caller("alice", "gw1");
        var call = ClientEventCalls.of(event);
        for (int i = 0; i < 3; i++) {
            call.accept(service.messaging(), alice);
        }

        long retryAfterMs = assertRateLimited(event, 500, () -> call.accept(service.messaging(), alice));
        // The hint is enough: once that long has passed on the limiter's clock (Redis's), one more fits.
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            RedisClock.awaitElapsed(redis, retryAfterMs);
        }
        call.accept(service.messaging(), alice);
    }

    @Test
    void theCeilingCountsTheEventsWithoutALimitOfTheirOwnTogether() {
        Caller alice = caller("alice", "gw1");
        ClientEventCalls.of(ClientEvent.MESSAGE_SYNC).accept(service.messaging(), alice);
        ClientEventCalls.of(ClientEvent.REACTION_GET).accept(service.messaging(), alice);
        ClientEventCalls.of(ClientEvent.CHAT_JOIN).accept(service.messaging(), alice);

        assertRateLimited(ClientEvent.MESSAGE_SYNC, 500,
                () -> ClientEventCalls.of(ClientEvent.MESSAGE_SYNC).accept(service.messaging(), alice));
        assertRateLimited(ClientEvent.CHAT_GET_ACTIVE_MEMBERS, 500,
                () -> ClientEventCalls.of(ClientEvent.CHAT_GET_ACTIVE_MEMBERS).accept(service.messaging(), alice));
        ClientEventCalls.of(ClientEvent.MESSAGE_NEW).accept(service.messaging(), alice); // a limit of its own
        ClientEventCalls.of(ClientEvent.MESSAGE_SYNC).accept(service.messaging(), caller("bob", "gw2"));
    }
}
