package io.sup.realtime.messaging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.bus.CollectingInbox;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.Rooms;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.TypingRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A typing flood under the default {@code message:typing} limit (10 per 10 s): 15 starts by
 * one user in a burst, each from its own connection (so each would be announced), reach the
 * gateway inbox of the chat's room as exactly 10 {@code message:typing} frames; the other 5
 * are refused and published nothing.
 */
class TypingFloodIsDroppedBeforeFanOutTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    private UnifiedJedis redis;
    private DeliveryBus bus;
    private CollectingInbox inbox;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void bobsGatewayViewsTheChat() {
        redis = REDIS.settings().newClient();
        RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
        bus = new DeliveryBus(redis, registry, Clock.systemUTC());
        inbox = CollectingInbox.start(REDIS.settings(), "gwbob");
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
        registry.addRoom("gwbob", Rooms.chat("c1"));
    }

    @AfterEach
    void close() {
        inbox.close();
        redis.close();
    }

    @Test
    void fifteenStartsInABurstReachTheRoomAsTenFrames() throws Exception {
        List<Future<Status.Code>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(15)) {
            for (int i = 1; i <= 15; i++) {
                Caller connection = Caller.newBuilder().setUserId("alice").setDeviceId("alice-dev")
                        .setConnectionId("gwalice." + i).setGatewayInstance("gwalice").build();
                outcomes.add(pool.submit(() -> {
                    try {
                        service.messaging().startTyping(TypingRequest.newBuilder().setCaller(connection).setChatId("c1").build());
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode();
                    }
                }));
            }
        }
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> outcome : outcomes) {
            codes.add(outcome.get());
        }

        assertEquals(10, codes.stream().filter(Status.Code.OK::equals).count(), codes::toString);
        assertEquals(5, codes.stream().filter(Status.Code.RESOURCE_EXHAUSTED::equals).count(), codes::toString);
        // What reached bob's inbox before a marker published now (Redis delivers in order).
        List<DeliveryFrame> received = inbox.framesBefore(bus);
        assertEquals(10, received.size(), "one frame per accepted start, none for a refused one: " + received);
        assertTrue(received.stream().allMatch(f -> f.getEvent().equals("message:typing")), received::toString);
    }
}
